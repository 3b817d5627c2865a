#!/usr/bin/env escript
%% -*- erlang -*-
%%! -noshell +pc latin1
%% SPDX-License-Identifier: Apache-2.0
%% Usage: gen_relup.escript OUT [APPS [MODULES [BASES]]]
%%
%% Writes a large relup shaped like systools:make_relup/4 output, the way
%% systools_relup:write_relup_file/2 writes it (a file opened with
%% {encoding, utf8}, then "%% coding: utf-8" and the term with ~tp): genuine
%% OTP output. Deterministic: the same arguments always give the same bytes.
%%
%% Release "2.0.0" with APPS applications (default 200) of MODULES modules each
%% (default 250), upgraded from and downgraded to BASES older releases
%% (default 2). Per application and base: a load_object_code with the module
%% list; then, after point_of_no_return, for every 8th module (a process) the
%% suspend / load / code_change / resume sequence, for the others a load, plus a
%% few removed modules (remove + purge) and an apply.
main([Out]) -> main([Out, "200", "250", "2"]);
main([Out, Apps]) -> main([Out, Apps, "250", "2"]);
main([Out, Apps, Mods]) -> main([Out, Apps, Mods, "2"]);
main([Out, Apps0, Mods0, Bases0]) ->
    Apps = list_to_integer(Apps0),
    Mods = list_to_integer(Mods0),
    Bases = list_to_integer(Bases0),
    BaseVsns = [lists:flatten(io_lib:format("1.~b.0", [9 - B])) || B <- lists:seq(0, Bases - 1)],
    Relup = {"2.0.0",
             [{V, [], script(up, V, Apps, Mods)} || V <- BaseVsns],
             [{V, [], script(dn, V, Apps, Mods)} || V <- BaseVsns]},
    {ok, Fd} = file:open(Out, [write, {encoding, utf8}]),
    ok = io:format(Fd, "%% ~s~n~tp.~n", [epp:encoding_to_string(utf8), Relup]),
    ok = file:close(Fd),
    io:format("wrote ~s: ~b bytes (~b applications x ~b modules, ~b up + ~b down entries)~n",
              [Out, filelib:file_size(Out), Apps, Mods, Bases, Bases]);
main(_) ->
    io:format(standard_error, "usage: gen_relup.escript OUT [APPS [MODULES [BASES]]]~n", []),
    halt(2).

app(A) -> list_to_atom(lists:flatten(io_lib:format("app_~3..0b_service", [A]))).

module(A, M) ->
    list_to_atom(lists:flatten(io_lib:format("app_~3..0b_~s_~3..0b", [A, kind(M), M]))).

kind(M) ->
    element(1 + M rem 6, {"server", "worker", "handler", "util", "store", "codec"}).

%% Mode up: code comes from release 2.0.0; dn: from the base release.
script(Mode, BaseVsn, Apps, Mods) ->
    Vsn = case Mode of up -> "2.0.0"; dn -> BaseVsn end,
    Loads = [{load_object_code, {app(A), Vsn, [module(A, M) || M <- lists:seq(1, Mods), not removed(Mode, M)]}}
             || A <- lists:seq(1, Apps)],
    Body = lists:append([app_script(Mode, A, Mods) || A <- lists:seq(1, Apps)]),
    Loads ++ [point_of_no_return | Body].

%% Every 50th module exists only in the new release: removed on downgrade.
removed(dn, M) -> M rem 50 =:= 0;
removed(up, _) -> false.

app_script(Mode, A, Mods) ->
    lists:append([module_script(Mode, A, M) || M <- lists:seq(1, Mods)]) ++
        [{apply, {app(A), config_change, [[{changed, [{pool_size, A}]}, {new, []}, {removed, []}]]}}].

module_script(dn, A, M) when M rem 50 =:= 0 ->
    Mod = module(A, M),
    [{remove, {Mod, brutal_purge, brutal_purge}}, {purge, [Mod]}];
module_script(Mode, A, M) when M rem 8 =:= 1 ->
    Mod = module(A, M),
    Extra = case M rem 3 of 0 -> []; 1 -> {advanced, {migrate, M}}; 2 -> [{state_version, 2}] end,
    Suspend = case M rem 16 of 1 -> [{Mod, 5000}]; _ -> [Mod] end,
    Load = {load, {Mod, brutal_purge, brutal_purge}},
    CodeChange = {code_change, Mode, [{Mod, Extra}]},
    case Mode of
        up -> [{suspend, Suspend}, Load, CodeChange, {resume, [Mod]}];
        dn -> [{suspend, Suspend}, CodeChange, Load, {resume, [Mod]}]
    end;
module_script(_, A, M) ->
    Purge = case M rem 10 of 3 -> soft_purge; _ -> brutal_purge end,
    [{load, {module(A, M), Purge, Purge}}].
