#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Regenerates corpus/real/demo/relup with OTP's systools:make_relup/4: an app
# demo_app 1.0.0 -> 2.0.0 that adds a module, reloads one and updates a gen_server
# with code_change. The relup is exactly as systools writes it (scripts/demo
# checks that `relupkit fmt --check` leaves it unchanged).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

app() { # app VSN MODULE... (sources on the files $work/src-VSN/*.erl)
  local v=$1
  mkdir -p "lib/demo_app-$v/ebin"
  local mods
  mods=$(cd "src-$v" && ls ./*.erl | sed 's#^\./##; s/\.erl$//' | paste -sd, -)
  printf '{application, demo_app,\n [{description, "relupkit demo"}, {vsn, "%s"},\n  {modules, [%s]},\n  {registered, [demo_sup, demo_server]},\n  {applications, [kernel, stdlib, sasl]},\n  {mod, {demo_app, []}}]}.\n' \
    "$v" "$mods" >"lib/demo_app-$v/ebin/demo_app.app"
  erlc -o "lib/demo_app-$v/ebin" "src-$v"/*.erl
}

mkdir -p src-1.0.0 src-2.0.0
cat >src-1.0.0/demo_app.erl <<'EOF'
-module(demo_app).
-behaviour(application).
-export([start/2, stop/1]).
start(_, _) -> demo_sup:start_link().
stop(_) -> ok.
EOF
cat >src-1.0.0/demo_sup.erl <<'EOF'
-module(demo_sup).
-behaviour(supervisor).
-export([start_link/0, init/1]).
start_link() -> supervisor:start_link({local, ?MODULE}, ?MODULE, []).
init([]) -> {ok, {#{strategy => one_for_one}, [#{id => demo_server, start => {demo_server, start_link, []}}]}}.
EOF
cat >src-1.0.0/demo_server.erl <<'EOF'
-module(demo_server).
-behaviour(gen_server).
-export([start_link/0, init/1, handle_call/3, handle_cast/2]).
start_link() -> gen_server:start_link({local, ?MODULE}, ?MODULE, [], []).
init([]) -> {ok, #{count => 0}}.
handle_call(get, _From, S) -> {reply, S, S}.
handle_cast(_, S) -> {noreply, S}.
EOF
cat >src-1.0.0/demo_util.erl <<'EOF'
-module(demo_util).
-export([greet/1]).
greet(Name) -> "Hello, " ++ Name.
EOF
cp src-1.0.0/demo_app.erl src-1.0.0/demo_sup.erl src-2.0.0/
cat >src-2.0.0/demo_server.erl <<'EOF'
-module(demo_server).
-behaviour(gen_server).
-export([start_link/0, init/1, handle_call/3, handle_cast/2, code_change/3]).
start_link() -> gen_server:start_link({local, ?MODULE}, ?MODULE, [], []).
init([]) -> {ok, #{count => 0, started => erlang:monotonic_time()}}.
handle_call(get, _From, S) -> {reply, S, S}.
handle_cast(_, S) -> {noreply, S}.
code_change("1.0.0", S, _Extra) -> {ok, S#{started => erlang:monotonic_time()}};
code_change({down, "1.0.0"}, S, _Extra) -> {ok, maps:remove(started, S)}.
EOF
cat >src-2.0.0/demo_util.erl <<'EOF'
-module(demo_util).
-export([greet/1]).
greet(Name) -> "Hello, " ++ Name ++ "!".
EOF
cat >src-2.0.0/demo_metrics.erl <<'EOF'
-module(demo_metrics).
-export([count/0]).
count() -> maps:get(count, gen_server:call(demo_server, get)).
EOF
app 1.0.0
app 2.0.0
cat >lib/demo_app-2.0.0/ebin/demo_app.appup <<'EOF'
{"2.0.0",
 [{"1.0.0", [{add_module, demo_metrics},
             {load_module, demo_util},
             {update, demo_server, {advanced, []}}]}],
 [{"1.0.0", [{update, demo_server, {advanced, []}},
             {load_module, demo_util},
             {delete_module, demo_metrics}]}]}.
EOF

erts=$(erl -noshell -eval 'io:format("~s", [erlang:system_info(version)]), halt().')
vsn() { erl -noshell -eval "application:load($1), {ok, V} = application:get_key($1, vsn), io:format(\"~s\", [V]), halt()."; }
kernel=$(vsn kernel) stdlib=$(vsn stdlib) sasl=$(vsn sasl)
for v in 1.0.0 2.0.0; do
  printf '{release, {"demo", "%s"}, {erts, "%s"},\n [{kernel, "%s"}, {stdlib, "%s"}, {sasl, "%s"}, {demo_app, "%s"}]}.\n' \
    "$v" "$erts" "$kernel" "$stdlib" "$sasl" "$v" >"demo-$v.rel"
done
erl -noshell -eval '
  Path = ["lib/demo_app-1.0.0/ebin", "lib/demo_app-2.0.0/ebin"],
  case systools:make_relup("demo-2.0.0", ["demo-1.0.0"], ["demo-1.0.0"],
                           [{path, Path}, {outdir, "."}, silent]) of
    {ok, _Relup, _Mod, _Warnings} -> halt(0);
    Error -> io:format(standard_error, "~p~n", [Error]), halt(1)
  end.'
cp relup "$here/relup"
echo "wrote $here/relup"
