%% SPDX-License-Identifier: Apache-2.0
%% Differential tests of `relupkit fmt` against OTP itself (the oracle).
%%
%% ctest runs (see CMakeLists.txt next to this file):
%%
%%   erl -noshell +pc latin1 -pa BEAMDIR -run relupkit_oracle main MODE RELUPKIT WORKDIR ARGS...
%%
%% MODE is one of
%%
%%   syntax FAMILY FILES   random terms of FAMILY (atoms, integers, floats, strings,
%%                         binaries, containers, nesting, relups, large_maps), written
%%                         in varied surface syntax, FILES files of several terms each.
%%                         Checks (a) `relupkit fmt FILE` prints exactly
%%                         io_lib:format("~tp.~n", [T]) for every term T that
%%                         file:consult/1 reads from FILE (after the file's
%%                         `%% coding:` line when it has one), (b) file:consult/1
%%                         reads relupkit's output back exactly (floats compared
%%                         bit for bit, so -0.0 =/= 0.0), (c) the canonical text is a
%%                         fixed point (`relupkit fmt --check` on it exits 0).
%%   malformed KIND        inputs of KIND (truncated, unbalanced, mutated, bytes, fixed):
%%                         relupkit must exit 2 with exactly one
%%                         `FILE:LINE:COL: error: MSG` line on stderr and nothing on
%%                         stdout exactly when file:consult/1 returns an error, and
%%                         otherwise exit 0 and print what the oracle prints.
%%   oddities              accepted oddities: NUL/NBSP/C1 whitespace, a Latin-1 file,
%%                         empty and comment-only files, a dot at end of file, CRLF,
%%                         a 10 MB atom list, a 1,000,000-deep list.
%%   otp_appups            (d) every .appup shipped with this OTP round-trips.
%%   huge                  one random term of over 2^24 characters flat (short random
%%                         leaves under a tuple, a map, a pair and nested lists, each
%%                         of them that long), written by ~tp, round-trips: the
%%                         printer keeps such lengths beside its 24-bit ones.
%%   files DIR...          (d) every term file under DIR round-trips: relupkit's
%%                         output equals the oracle's re-print and reads back exactly;
%%                         `fmt --check` agrees with "already canonical".
%%   selftest FAMILY FILES generator only: write and consult-check, no relupkit.
%%
%% Every run picks a fresh random seed and prints it; set RELUPKIT_SEED=N to
%% replay a run. RELUPKIT_ORACLE_SCALE=K multiplies the number of random inputs
%% (soak runs). Failing inputs stay in WORKDIR; the report names them.
-module(relupkit_oracle).
-export([main/1]).

-define(MAX_SHOWN_FAILURES, 12).

%% ===========================================================================
%% Entry point

main(Args) ->
    Status =
        try run(Args) of
            ok -> 0;
            {fail, N} ->
                io:format("~nFAILED: ~b problem(s)~n", [N]),
                1
        catch
            Class:Reason:Stack ->
                io:format("oracle crashed: ~tp:~tp~n~tp~n", [Class, Reason, Stack]),
                2
        end,
    halt(Status).

run(["selftest", Family, Files | _]) ->
    seed("syntax/" ++ Family),
    Work = filename:join("/tmp", "relupkit_oracle_selftest"),
    ok = filelib:ensure_dir(filename:join(Work, "x")),
    Gen = gen_files(Family, scaled(list_to_integer(Files)), Work),
    io:format("generated ~b files, ~b terms, all read back by file:consult~n",
              [length(Gen), lists:sum([length(Ts) || #{terms := Ts} <- Gen])]),
    ok;
run([Mode, Relupkit, Work | Rest]) ->
    ok = filelib:ensure_dir(filename:join(Work, "x")),
    put(relupkit, Relupkit),
    put(work, Work),
    case filelib:is_regular(Relupkit) of
        true -> ok;
        false -> error({relupkit_binary_missing, Relupkit})
    end,
    mode(Mode, Rest).

mode("syntax", [Family, Files]) ->
    seed("syntax/" ++ Family),
    Dir = fresh_dir(Family),
    Gen = gen_files(Family, scaled(list_to_integer(Files)), Dir),
    check_valid_files(Family, Gen);
mode("malformed", [Kind]) ->
    seed("malformed/" ++ Kind),
    Dir = fresh_dir(Kind),
    check_inputs(Kind, Dir, malformed(Kind));
mode("oddities", []) ->
    seed("oddities"),
    Dir = fresh_dir("oddities"),
    check_inputs("oddities", Dir, oddities());
mode("huge", []) ->
    seed("huge"),
    Dir = fresh_dir("huge_src"),
    File = filename:join(Dir, "huge.config"),
    Term = gen_huge(),
    ok = file:write_file(File, unicode:characters_to_binary(io_lib:format("~tp.~n", [Term]))),
    io:format("~s: ~b bytes~n", [File, filelib:file_size(File)]),
    check_term_files("huge", [File]);
mode("otp_appups", []) ->
    Files = lists:sort(filelib:wildcard(filename:join([code:lib_dir(), "*", "ebin", "*.appup"]))),
    io:format("OTP ~s: ~b shipped .appup files under ~s~n",
              [erlang:system_info(otp_release), length(Files), code:lib_dir()]),
    check_term_files("otp_appups", Files);
mode("files", Dirs) ->
    Files = lists:sort(lists:append([term_files(D) || D <- Dirs])),
    io:format("~b term files under ~s~n", [length(Files), lists:join(" ", Dirs)]),
    check_term_files("files", Files).

scaled(N) ->
    case os:getenv("RELUPKIT_ORACLE_SCALE") of
        false -> N;
        S -> max(1, round(N * to_number(S)))
    end.

to_number(S) ->
    try list_to_float(S) catch error:badarg -> list_to_integer(S) end.

fresh_dir(Name) ->
    Dir = filename:join(get(work), Name),
    _ = file:del_dir_r(Dir),
    ok = filelib:ensure_dir(filename:join(Dir, "x")),
    Dir.

%% ===========================================================================
%% Seeds

seed(Tag) ->
    Base = case os:getenv("RELUPKIT_SEED") of
               false ->
                   _ = rand:seed(exsss),
                   rand:uniform(1 bsl 40);
               S -> list_to_integer(string:trim(S))
           end,
    io:format("seed ~b (replay with RELUPKIT_SEED=~b)~n", [Base, Base]),
    _ = rand:seed(exsss, {Base, erlang:phash2(Tag), 16#5eed}),
    put(seed, Base),
    ok.

%% ===========================================================================
%% Random helpers

u(N) -> rand:uniform(N).
u(Lo, Hi) -> Lo + rand:uniform(Hi - Lo + 1) - 1.
p(P) -> rand:uniform() < P.
pick(L) -> lists:nth(u(length(L)), L).
pick_fun(L) -> (pick(L))().

wpick(WL) ->
    Total = lists:sum([W || {W, _} <- WL]),
    wp(rand:uniform() * Total, WL).
wp(_, [{_, V}]) -> run_choice(V);
wp(X, [{W, V} | _]) when X < W -> run_choice(V);
wp(X, [{W, _} | T]) -> wp(X - W, T).
run_choice(F) when is_function(F, 0) -> F();
run_choice(V) -> V.

shuffle(L) -> [X || {_, X} <- lists:sort([{rand:uniform(), X} || X <- L])].

%% ===========================================================================
%% Characters

is_char(C) ->
    is_integer(C) andalso
        (C >= 0 andalso C < 16#D800 orelse
         C > 16#DFFF andalso C < 16#FFFE orelse
         C > 16#FFFF andalso C =< 16#10FFFF).

rand_char() ->
    wpick([{40, fun() -> u(32, 126) end},
           {6, fun() -> pick([$\n, $\t, $\r, $\v, $\f, $\b, $\e, 127, 0, u(0, 31)]) end},
           {8, fun() -> u(160, 255) end},
           {2, fun() -> u(128, 159) end},
           {6, fun() -> u(16#391, 16#3C9) end},
           {3, fun() -> u(16#4E00, 16#4E80) end},
           {2, fun() -> u(16#400, 16#44F) end},
           {3, fun() -> u(16#1F600, 16#1F64F) end},
           {2, fun() -> pick([16#2028, 16#FEFF, 16#FFFD, 16#E000, 16#10000, 16#10FFFF,
                              16#D7FF, 16#E000, 16#FFFD, 16#3000, 16#85, 16#A0, 16#AD]) end},
           {1, fun() -> any_char() end}]).

any_char() ->
    C = u(0, 16#10FFFF),
    case is_char(C) of true -> C; false -> any_char() end.

latin1_char() ->
    wpick([{10, fun() -> u(32, 126) end}, {3, fun() -> u(160, 255) end},
           {1, fun() -> u(0, 31) end}, {1, fun() -> u(127, 159) end}]).

rand_chars(N) -> [rand_char() || _ <- lists:seq(1, N)].

%% ===========================================================================
%% Term generators

gen_term(Family) ->
    case Family of
        "atoms" -> gen_atom();
        "integers" -> gen_int();
        "floats" -> gen_float();
        "strings" -> gen_stringish();
        "binaries" -> gen_bin();
        "containers" -> gen_any(u(1, 5));
        "nesting" -> gen_nesting();
        "relups" -> gen_relupish();
        "large_maps" -> gen_large_map();
        "mixed" -> gen_any(u(0, 4))
    end.

terms_per_file(Family) ->
    case Family of
        "nesting" -> u(1, 3);
        "large_maps" -> u(1, 3);
        "relups" -> u(1, 3);
        _ -> u(1, 12)
    end.

leaf() ->
    wpick([{10, fun gen_atom/0}, {10, fun gen_int/0}, {5, fun gen_float/0},
           {6, fun gen_stringish/0}, {4, fun gen_bin/0}, {1, fun gen_fun/0}]).

gen_any(D) when D =< 0 -> leaf();
gen_any(D) ->
    wpick([{30, fun leaf/0},
           {12, fun() -> list_to_tuple([gen_any(D - 1) || _ <- lists:seq(1, u(0, 6))]) end},
           {12, fun() -> [gen_any(D - 1) || _ <- lists:seq(1, u(0, 6))] end},
           {5, fun() -> improper([gen_any(D - 1) || _ <- lists:seq(1, u(1, 4))],
                                 gen_nonlist(D - 1)) end},
           {7, fun() -> gen_map(D - 1, u(0, 8)) end},
           {3, fun() -> [gen_any(D - 1) | gen_stringish()] end}]).

%% A term whose flat length is over 2^24 characters (17.5 million), as are
%% those of the containers on the way down to its big lists: short random
%% leaves (a pool of 400, so that the file stays near 20 MB and OTP reads it
%% in seconds) in lists of 40,000.
gen_huge() ->
    Pool = list_to_tuple(short_leaves(400, [])),
    Big = huge_lists(Pool, 17500000, []),
    {huge, #{big => [{level, Big}, gen_any(2)], small => gen_any(3)}, gen_any(3)}.

short_leaves(0, Acc) -> Acc;
short_leaves(N, Acc) ->
    L = leaf(),
    case length(lists:flatten(io_lib:format("~tw", [L]))) of
        Len when Len =< 14 -> short_leaves(N - 1, [{L, Len} | Acc]);
        _ -> short_leaves(N, Acc)
    end.

huge_lists(_, Left, Acc) when Left =< 0 -> Acc;
huge_lists(Pool, Left, Acc) ->
    Picks = [element(u(tuple_size(Pool)), Pool) || _ <- lists:seq(1, 40000)],
    huge_lists(Pool, Left - lists:sum([Len + 1 || {_, Len} <- Picks]), [[L || {L, _} <- Picks] | Acc]).

gen_nonlist(D) ->
    case gen_any(D) of
        L when is_list(L) -> gen_atom();
        T -> T
    end.

improper(Elems, Tail) -> lists:foldr(fun(E, Acc) -> [E | Acc] end, Tail, Elems).

gen_map(D, N) ->
    maps:from_list([{gen_any(max(0, D - 1)), gen_any(D)} || _ <- lists:seq(1, N)]).

%% Maps of more than 32 keys print in the order of OTP's internal hash, and the
%% internal hash of an atom depends on when the VM created it (the order of
%% ~tp output of #{k1 => 1, ..., k40 => 40} differs between two VMs that met
%% the atoms in different orders). So only atom-free keys here: their order is
%% a function of the keys alone.
gen_large_map() ->
    N = wpick([{3, fun() -> u(33, 80) end}, {1, fun() -> u(200, 600) end}]),
    maps:from_list([{atom_free_key(), leaf()} || _ <- lists:seq(1, N)]).

atom_free_key() ->
    pick_fun([fun gen_int/0, fun gen_stringish/0, fun gen_float/0, fun gen_bin/0,
              fun() -> {gen_int(), gen_stringish()} end, fun() -> [gen_int(), gen_float()] end]).

%% `~tp` of an external fun writes it with erlang:fun_to_list/1, which neither
%% quotes reserved words (`fun orelse:f/1`) nor writes characters (UTF-8 bytes
%% taken for Latin-1: 'é' comes out as 'Ã©'), so such funs do not read back.
%% The random families only use funs whose ~tp text reads back; the others are
%% among the oddities.
gen_fun() ->
    F = erlang:make_fun(gen_atom(), gen_atom(), pick([0, 1, 2, 3, u(0, 255), 255])),
    case fun_reads_back(F) of
        true -> F;
        false -> gen_fun()
    end.

fun_reads_back(F) ->
    Text = lists:flatten(io_lib:format("~tp.", [F])),
    case erl_scan:string(Text) of
        {ok, Toks, _} ->
            case erl_parse:parse_term(Toks) of
                {ok, G} -> G =:= F;
                _ -> false
            end;
        _ -> false
    end.

%% --- atoms

-define(RESERVED, ["after", "and", "andalso", "band", "begin", "bnot", "bor", "bsl", "bsr",
                   "bxor", "case", "catch", "cond", "div", "end", "fun", "if", "let", "not",
                   "of", "or", "orelse", "receive", "rem", "try", "when", "xor"]).

gen_atom() ->
    Chars = wpick([{30, fun() -> plain_name(u(1, 12)) end},
                   {5, fun() -> pick(?RESERVED) end},
                   {4, fun() -> pick(["maybe", "else", "true", "false", "undefined", "nil",
                                      "ok", "Elixir.Foo.Bar", "a.b", "ok@host", "a-b", "1a",
                                      "aB9_@", "a@", "@a", "_", "_x", "A", "\\", "'", "\"",
                                      "é", "été", "ß", "ÿ", "÷x", "a÷", "×", "aÀÞ", "a×"])
                             end},
                   {4, fun() -> [u($A, $Z) | plain_tail(u(0, 8))] end},
                   {8, fun() -> [u(32, 126) || _ <- lists:seq(1, u(1, 10))] end},
                   {6, fun() -> rand_chars(u(1, 10)) end},
                   {4, fun() -> [u(16#DF, 16#FF) | [latin1_char() || _ <- lists:seq(1, u(0, 6))]]
                             end},
                   {2, fun() -> long_atom_chars() end},
                   {1, ""}]),
    list_to_atom(lists:sublist(Chars, 255)).

long_atom_chars() ->
    N = pick([255, 255, 254, u(100, 255)]),
    wpick([{3, fun() -> plain_name(N) end},
           {2, fun() -> [u(16#391, 16#3C9) || _ <- lists:seq(1, N)] end},
           {1, fun() -> [16#1F600 || _ <- lists:seq(1, N)] end},
           {1, fun() -> [$\n || _ <- lists:seq(1, N)] end},
           {2, fun() -> rand_chars(N) end}]).

plain_name(N) -> [u($a, $z) | plain_tail(N - 1)].
plain_tail(N) ->
    [pick_fun([fun() -> u($a, $z) end, fun() -> u($A, $Z) end, fun() -> u($0, $9) end,
               fun() -> $_ end, fun() -> $@ end, fun() -> u($a, $z) end])
     || _ <- lists:seq(1, N)].

%% --- integers

gen_int() ->
    wpick([{20, fun() -> u(0, 100) end},
           {10, fun() -> u(-1000, 1000) end},
           {10, fun() -> pick(int_boundaries()) end},
           {8, fun() -> big_int() end},
           {1, fun() -> long_int() end},
           {6, fun() -> rand_char() end}]).

int_boundaries() ->
    [0, 1, -1, 127, 128, 255, 256, -128, -129, (1 bsl 31) - 1, 1 bsl 31, -(1 bsl 31),
     1 bsl 32, 1 bsl 53, (1 bsl 63) - 1, 1 bsl 63, -(1 bsl 63), -(1 bsl 63) - 1,
     (1 bsl 64) - 1, 1 bsl 64, -(1 bsl 64), 16#10FFFF, 16#110000, 16#D800, 16#FFFF,
     1 bsl 1000, -(1 bsl 1000) + 1].

big_int() ->
    D = u(19, 320),
    N = list_to_integer([u($1, $9) | [u($0, $9) || _ <- lists:seq(2, D)]]),
    case p(0.4) of true -> -N; false -> N end.

%% Long enough for relupkit's divide-and-conquer conversions (over 400
%% digits), short enough for OTP's quadratic ones.
long_int() ->
    D = u(300, 30000),
    N = list_to_integer([u($1, $9) | [u($0, $9) || _ <- lists:seq(2, D)]]),
    case p(0.4) of true -> -N; false -> N end.

%% --- floats

gen_float() ->
    F = wpick([{10, fun() -> pick(float_specials()) end},
               {10, fun() -> random_double() end},
               {8, fun() -> u(-100000, 100000) / pick([1, 10, 100, 1000, 7, 3]) end},
               {4, fun() -> float(u(0, 1000000)) * pick([1.0, 1.0e10, 1.0e20, 1.0e-10]) end}]),
    case p(0.3) of true -> -F; false -> F end.

float_specials() ->
    [0.0, -0.0, 5.0e-324, 2.2250738585072014e-308, 2.225073858507201e-308,
     1.7976931348623157e308, 1.0e15, 1.0e16, 1.0e21, 0.1, 0.3333333333333333, 100.0,
     1.0e-5, 123456789.123, 9.007199254740992e15, 1.0, 2.5e-300, 99999999999999.0, 0.001,
     0.0001, 1.2e-4, 1.0e3, 1.5e3].

random_double() ->
    <<F:64/float>> = random_finite_bits(),
    F.
random_finite_bits() ->
    B = <<(rand:uniform(1 bsl 64) - 1):64>>,
    case B of
        <<_:1, 2047:11, _:52>> -> random_finite_bits();
        _ -> B
    end.

%% --- strings (lists of character codes)

gen_stringish() ->
    wpick([{10, fun() -> [u(32, 126) || _ <- lists:seq(1, u(1, 20))] end},
           {6, fun() -> rand_chars(u(1, 16)) end},
           {4, fun() -> [latin1_char() || _ <- lists:seq(1, u(1, 16))] end},
           {2, fun() -> [u(0, 16#10FFFF) || _ <- lists:seq(1, u(1, 6))] end},
           {2, fun() -> "" end},
           {1, fun() -> [u(32, 126) || _ <- lists:seq(1, u(60, 200))] end},
           {1, fun() -> rand_chars(u(50, 120)) end}]).

%% --- binaries

gen_bin() ->
    B = wpick([{6, fun() -> rand_bytes(u(0, 24)) end},
               {6, fun() -> list_to_binary([u(32, 126) || _ <- lists:seq(1, u(0, 20))]) end},
               {3, fun() -> list_to_binary([latin1_char() || _ <- lists:seq(1, u(1, 12))]) end},
               {4, fun() -> unicode:characters_to_binary(rand_chars(u(1, 10))) end},
               {1, fun() -> rand_bytes(u(100, 400)) end},
               {1, fun() -> <<>> end}]),
    case p(0.25) of
        true -> <<B/bits, (rand:uniform(256) - 1):(u(1, 7))>>;
        false -> B
    end.

rand_bytes(N) -> list_to_binary([rand:uniform(256) - 1 || _ <- lists:seq(1, N)]).

%% --- nesting

gen_nesting() ->
    wpick([{3, fun() -> deep(u(50, 20000), fun(X) -> [X] end, pick([[], a, "s", 1])) end},
           {2, fun() -> deep(u(10, 400), fun(X) -> {pick([a, x, 'T', 1]), X} end, leaf()) end},
           {1, fun() -> deep(u(10, 300), fun(X) -> {X} end, leaf()) end},
           {1, fun() -> deep(u(5, 60), fun(X) -> #{k => X} end, leaf()) end},
           {2, fun() -> deep(u(10, 200), fun(X) -> pick_wrap(X) end, leaf()) end},
           {2, fun() -> [leaf() || _ <- lists:seq(1, u(500, 6000))] end},
           {1, fun() -> list_to_tuple([leaf() || _ <- lists:seq(1, u(200, 3000))]) end},
           {1, fun() -> [[leaf() || _ <- lists:seq(1, u(1, 30))] || _ <- lists:seq(1, u(50, 300))]
               end},
           {1, fun() -> improper([leaf() || _ <- lists:seq(1, u(100, 2000))], gen_atom()) end},
           {1, fun() -> gen_any(8) end}]).

deep(0, _, Acc) -> Acc;
deep(N, F, Acc) -> deep(N - 1, F, F(Acc)).

pick_wrap(X) ->
    case u(6) of
        1 -> [X];
        2 -> {X};
        3 -> {a, X};
        4 -> #{X => 1};
        5 -> [a, X | b];
        6 -> {a_rather_long_tag_name_to_switch_the_indentation_style, X}
    end.

%% --- relup/appup shaped terms

gen_relupish() ->
    App = pick([shop, myapp, some_long_application_name, a_very_very_long_application_name_x,
                'Elixir.MyApp', list_to_atom(plain_name(u(3, 40)))]),
    Mods = [list_to_atom(atom_to_list(App) ++ "_" ++ plain_name(u(2, 20)))
            || _ <- lists:seq(1, u(1, 25))],
    Instr = fun() -> relup_instr(App, Mods) end,
    Entry = fun() -> {vsn(), pick([[], "descr", gen_stringish(), leaf()]),
                      [Instr() || _ <- lists:seq(1, u(0, 12))] ++ [point_of_no_return]}
            end,
    case u(3) of
        1 -> {vsn(), [Entry() || _ <- lists:seq(1, u(1, 3))], [Entry() || _ <- lists:seq(0, u(0, 2))]};
        2 -> {vsn(), [{pick([vsn(), <<"1\\.0\\..*">>, <<"2\\..*"/utf8>>]),
                       [appup_instr(Mods) || _ <- lists:seq(1, u(0, 8))]}],
              [{vsn(), [appup_instr(Mods) || _ <- lists:seq(1, u(0, 8))]}]};
        3 -> [Instr() || _ <- lists:seq(1, u(1, 10))]
    end.

vsn() -> lists:flatten(io_lib:format("~b.~b.~b", [u(0, 12), u(0, 20), u(0, 300)])).

relup_instr(App, Mods) ->
    M = pick(Mods),
    case u(11) of
        1 -> {load_object_code, {App, vsn(), lists:sublist(shuffle(Mods), u(1, length(Mods)))}};
        2 -> point_of_no_return;
        3 -> {suspend, lists:sublist(Mods, u(1, length(Mods)))};
        4 -> {load, {M, brutal_purge, brutal_purge}};
        5 -> {code_change, pick([up, down]), [{M, pick([[], {advanced, leaf()}, leaf()])}]};
        6 -> {resume, [M]};
        7 -> {remove, {M, brutal_purge, brutal_purge}};
        8 -> {purge, [M]};
        9 -> {apply, {M, pick([migrate, f]), [leaf() || _ <- lists:seq(1, u(0, 3))]}};
        10 -> {suspend, [{M, pick([5000, infinity])}, pick(Mods)]};
        11 -> pick([restart_new_emulator, restart_emulator, {sync_nodes, id, [node@host]}])
    end.

appup_instr(Mods) ->
    M = pick(Mods),
    case u(7) of
        1 -> {load_module, M};
        2 -> {update, M, {advanced, leaf()}};
        3 -> {update, M, supervisor};
        4 -> {add_module, M};
        5 -> {delete_module, M};
        6 -> {update, M, {advanced, []}, brutal_purge, soft_purge, lists:sublist(Mods, u(0, 3))};
        7 -> {apply, {M, f, [leaf()]}}
    end.

%% ===========================================================================
%% Surface syntax writer: w(T) is text (a deep list of characters) that
%% erl_parse:parse_term reads back as T, with randomly chosen equivalent forms.
%% Text is characters; files are UTF-8 unless the process dictionary says
%% `latin1` (then every raw character is =< 255).

latin1() -> get(latin1) =:= true.

w(T) ->
    X = w0(T),
    case p(0.03) of
        true -> ["(", ws(), X, ws(), ")"];
        false -> X
    end.

w0(T) when is_atom(T) -> w_atom(T);
w0(T) when is_integer(T) -> w_int(T);
w0(T) when is_float(T) -> w_float(T);
w0(T) when is_list(T) -> w_list(T);
w0(T) when is_tuple(T) -> w_tuple(T);
w0(T) when is_map(T) -> w_map(T);
w0(T) when is_bitstring(T) -> w_bin(T);
w0(T) when is_function(T) -> w_fun(T).

%% Whitespace and comments between two tokens ("" is common).
ws() ->
    case p(0.65) of
        true -> "";
        false -> ws_req()
    end.

ws_req() -> [ws_piece() || _ <- lists:seq(1, wpick([{8, 1}, {2, 2}, {1, 4}]))].

ws_piece() ->
    wpick([{30, " "}, {8, "\n"}, {6, "\t"}, {2, "\r\n"}, {1, "\r"}, {1, "\f"}, {1, "\v"},
           {2, [0]}, {2, [16#A0]}, {1, [16#85]}, {1, [u(128, 160)]}, {1, [u(1, 31)]},
           {5, fun() -> ["%", comment_text(), "\n"] end}]).

comment_text() ->
    Cs = [C || C <- [rand_char() || _ <- lists:seq(1, u(0, 30))], C =/= $\n],
    Cs1 = case latin1() of
              true -> [C || C <- Cs, C =< 255];
              false -> Cs
          end,
    %% Never an accidental "coding:" (only the first two lines matter, but keep it simple).
    string:replace(Cs1, "coding", "cod1ng", all).

%% --- atoms

w_atom(A) ->
    Cs = atom_chars(A),
    case bare_ok(Cs) andalso p(0.75) of
        true -> Cs;
        false -> quoted(Cs, $')
    end.

atom_chars(A) -> unicode:characters_to_list(atom_to_binary(A, utf8)).

bare_ok([C | Cs]) ->
    (C >= $a andalso C =< $z orelse C >= 16#DF andalso C =< 16#FF andalso C =/= 16#F7)
        andalso lists:all(fun name_char/1, Cs)
        andalso not lists:member([C | Cs], ?RESERVED);
bare_ok([]) -> false.

name_char(C) when C >= $a, C =< $z -> true;
name_char(C) when C >= 16#DF, C =< 16#FF, C =/= 16#F7 -> true;
name_char(C) when C >= $A, C =< $Z -> true;
name_char(C) when C >= 16#C0, C =< 16#DE, C =/= 16#D7 -> true;
name_char(C) when C >= $0, C =< $9 -> true;
name_char($_) -> true;
name_char($@) -> true;
name_char(_) -> false.

%% Quoted text (atom with Q = $', string with Q = $"): every character raw or
%% escaped in one of the forms erl_scan knows.
quoted(Cs, Q) ->
    [Q, fix_octal([esc(C, Q) || C <- Cs]), Q].

%% esc/2 returns {Kind, Text}; short octal escapes must not be followed by an
%% octal digit (it would be read as part of the escape).
fix_octal([{oct, C, _}, Next | Rest]) ->
    case first_char(Next) of
        D when D >= $0, D =< $7 -> [oct3(C) | fix_octal([Next | Rest])];
        _ -> [oct_short(C) | fix_octal([Next | Rest])]
    end;
fix_octal([{oct, C, _}]) -> [oct_short(C)];
fix_octal([{_, Text} | Rest]) -> [Text | fix_octal(Rest)];
fix_octal([]) -> [].

first_char({oct, _, T}) -> hd(lists:flatten(T));
first_char({_, T}) -> hd(lists:flatten(T)).

oct_short(C) ->
    S = integer_to_list(C, 8),
    ["\\", lists:duplicate(u(0, 3 - length(S)), $0), S].
oct3(C) ->
    S = integer_to_list(C, 8),
    ["\\", lists:duplicate(3 - length(S), $0), S].

esc(C, Q) ->
    MustEscape = C =:= Q orelse C =:= $\\ orelse (latin1() andalso C > 255),
    Named = named_escape(C),
    Forms =
        [{6, raw} || not MustEscape] ++
        [{3, named} || Named =/= none] ++
        [{1, self} || not lists:member(C, "01234567bdefnrstvx^\n"), not (latin1() andalso C > 255)] ++
        [{1, oct} || C =< 8#777] ++
        [{1, hex2} || C =< 255] ++
        [{1, hexb}] ++
        [{2, ctrl} || C =< 31],
    case wpick(Forms) of
        raw -> {raw, [C]};
        named -> {named, ["\\", Named]};
        self -> {self, ["\\", C]};
        oct -> {oct, C, oct3(C)};
        hex2 -> {hex2, ["\\x", case_mix(pad(integer_to_list(C, 16), 2))]};
        hexb -> {hexb, ["\\x{", lists:duplicate(u(0, 3) * u(0, 1), $0),
                        case_mix(integer_to_list(C, 16)), "}"]};
        ctrl -> {ctrl, ["\\^", pick([C + 64, C + 64, C + 96, C + 32])]}
    end.

named_escape(8) -> "b";
named_escape(127) -> "d";
named_escape(27) -> "e";
named_escape(12) -> "f";
named_escape(10) -> "n";
named_escape(13) -> "r";
named_escape(32) -> "s";
named_escape(9) -> "t";
named_escape(11) -> "v";
named_escape($') -> "'";
named_escape($") -> "\"";
named_escape($\\) -> "\\";
named_escape(_) -> none.

pad(S, N) when length(S) < N -> pad([$0 | S], N);
pad(S, _) -> S.

case_mix(S) ->
    [case p(0.5) of true -> string:to_lower(C); false -> C end || C <- S].

%% --- integers

w_int(I) when I < 0 ->
    case p(0.5) of
        true -> ["-", ws(), w_uint(-I)];
        false -> ["-", ws(), "(", ws(), w_uint(-I), ws(), ")"]
    end;
w_int(I) ->
    wpick([{12, fun() -> w_uint(I) end},
           {1, fun() -> ["+", ws(), w_uint(I)] end},
           {1, fun() -> ["+", ws(), "(", ws(), w_uint(I), ws(), ")"] end}]).

w_uint(N) ->
    wpick([{8, fun() -> decimal(N) end},
           {4, fun() -> based(N) end}] ++
          [{4, fun() -> char_lit(N) end} || is_char(N)]).

decimal(N) ->
    Zeros = case p(0.1) of true -> lists:duplicate(u(1, 3), $0); false -> "" end,
    separators(Zeros ++ integer_to_list(N)).

%% Inserts `_` between some pairs of digits (never first, last or doubled).
separators(Ds) ->
    case p(0.3) of
        false -> Ds;
        true -> sep1(Ds)
    end.
sep1([A, B | Rest]) ->
    case p(0.25) of
        true -> [A, $_ | sep1([B | Rest])];
        false -> [A | sep1([B | Rest])]
    end;
sep1(Ds) -> Ds.

based(N) ->
    B = u(2, 36),
    Base = wpick([{10, integer_to_list(B)}, {1, "0" ++ integer_to_list(B)},
                  {1, fun() -> separators(integer_to_list(B)) end}]),
    Zeros = case p(0.1) of true -> lists:duplicate(u(1, 2), $0); false -> "" end,
    [Base, "#", separators(case_mix(Zeros ++ integer_to_list(N, B)))].

char_lit(C) ->
    Raw = C =/= $\\ andalso not (latin1() andalso C > 255),
    case Raw andalso p(0.6) of
        true -> [$$, C];
        false ->
            %% Short octal is safe: a character literal is always followed by a
            %% delimiter, never by a digit.
            case esc(C, none) of
                {oct, _, _} -> [$$, oct_short(C)];
                {raw, _} -> [$$, "\\x{", integer_to_list(C, 16), "}"];
                {_, Text} -> [$$, Text]
            end
    end.

%% --- floats

w_float(F) ->
    <<S:1, _:63>> = <<F/float>>,
    Lit = float_lit(float_to_list(abs_float(F), [short])),
    case S of
        1 -> pick_fun([fun() -> ["-", ws(), Lit] end,
                       fun() -> ["-", ws(), "(", ws(), Lit, ws(), ")"] end]);
        0 -> wpick([{10, Lit}, {1, fun() -> ["+", ws(), Lit] end}])
    end.

abs_float(F) ->
    <<_:1, R:63>> = <<F/float>>,
    <<A/float>> = <<0:1, R:63>>,
    A.

%% Rewrites a decimal float literal into an equal one: zeros added at either end,
%% the point moved (exponent compensates), `_` separators, e/E, `+`, exponent
%% zeros. The text denotes exactly the same decimal number, so it reads back as
%% the same double.
float_lit(S) ->
    {Mant, Exp} = case string:split(S, "e") of
                      [M, E] -> {M, list_to_integer(E)};
                      [M] -> {M, 0}
                  end,
    [IntPart, Frac] = string:split(Mant, "."),
    Digits = IntPart ++ Frac,
    X = Exp - length(Frac),                      % value = Digits * 10^X
    Z0 = case p(0.15) of true -> u(1, 3); false -> 0 end,
    Z1 = case p(0.3) of true -> u(1, 4); false -> 0 end,
    Ds = lists:duplicate(Z0, $0) ++ Digits ++ lists:duplicate(Z1, $0),
    X1 = X - Z1,
    L = length(Ds),
    %% Prefer the natural split (no exponent) half of the time when it is in range.
    Natural = L + X1,                            % digits before the point for exponent 0
    K = case p(0.5) andalso Natural >= 1 andalso Natural =< L - 1 of
            true -> Natural;
            false -> u(1, L - 1)
        end,
    Y = X1 + (L - K),
    {I, F} = lists:split(K, Ds),
    ExpText = case Y =:= 0 andalso p(0.7) of
                  true -> "";
                  false ->
                      [pick(["e", "E"]),
                       case Y < 0 of
                           true -> ["-", exp_digits(-Y)];
                           false -> [pick(["", "", "+"]), exp_digits(Y)]
                       end]
              end,
    [separators(I), ".", separators(F), ExpText].

exp_digits(N) ->
    Zeros = case p(0.1) of true -> "0"; false -> "" end,
    separators(Zeros ++ integer_to_list(N)).

%% --- lists and strings

w_list([]) ->
    wpick([{10, "[]"}, {2, fun() -> ["[", ws_req(), "]"] end}, {3, "\"\""},
           {1, fun() -> ["\"\"", ws(), "\"\""] end}]);
w_list(L) ->
    case is_string(L) andalso p(0.7) of
        true -> w_string(L);
        false -> w_cons(L)
    end.

is_string([C | T]) -> is_char(C) andalso is_string(T);
is_string([]) -> true;
is_string(_) -> false.

%% Adjacent string literals (possibly with whitespace and comments between them).
w_string(Cs) ->
    Chunks = split_chunks(Cs),
    join_ws("", [quoted(Ch, $") || Ch <- Chunks]).

%% Items separated by Sep with fresh random whitespace around every separator.
join_ws(_, []) -> [];
join_ws(Sep, [X | Xs]) -> [X | [[ws(), Sep, ws(), Y] || Y <- Xs]].

split_chunks([]) -> [[]];
split_chunks(Cs) ->
    case p(0.3) of
        false -> [Cs];
        true ->
            K = u(0, length(Cs)),
            {A, B} = lists:split(K, Cs),
            [A | split_chunks(B)]
    end.

%% `[E1, ..., Ek | Rest]` where Rest is written as a term of its own (maybe a
%% string, maybe `[]`), or `[E1, ..., En]` / `[E1, ..., En | Tail]`.
w_cons(L) ->
    {Elems, Tail} = cells(L, []),
    N = length(Elems),
    K = case p(0.15) of true -> u(1, N); false -> N end,
    {Front, Back} = lists:split(K, Elems),
    RestTerm = improper(Back, Tail),
    TailText = case RestTerm of
                   [] -> case p(0.1) of
                             true -> [ws(), "|", ws(), w_list([])];
                             false -> ""
                         end;
                   _ -> [ws(), "|", ws(), w(RestTerm)]
               end,
    ["[", ws(), join_ws(",", [w(E) || E <- Front]), TailText, ws(), "]"].

cells([H | T], Acc) -> cells(T, [H | Acc]);
cells(Tail, Acc) -> {lists:reverse(Acc), Tail}.

%% --- tuples, maps, funs

w_tuple(T) ->
    ["{", ws(), join_ws(",", [w(E) || E <- tuple_to_list(T)]), ws(), "}"].

w_map(M) ->
    Pairs = shuffle(maps:to_list(M)),
    %% Duplicate keys: an earlier pair with the same key and another value, which
    %% the later one overrides.
    Written = lists:append([[{K, leaf()} || p(0.15)] ++ [{K, V}] || {K, V} <- Pairs]),
    ["#", ws(), "{", ws(),
     join_ws(",", [[w(K), ws(), "=>", ws(), w(V)] || {K, V} <- Written]),
     ws(), "}"].

w_fun(F) ->
    {module, M} = erlang:fun_info(F, module),
    {name, N} = erlang:fun_info(F, name),
    {arity, A} = erlang:fun_info(F, arity),
    ArityText = wpick([{6, fun() -> decimal(A) end}, {1, fun() -> based(A) end}]),
    ["fun", ws_req(), w_atom(M), ws(), ":", ws(), w_atom(N), ws(), "/", ws(), ArityText].

%% --- binaries: the bits are cut into segments, each written in a form whose
%% value is computed by decoding the bits with the same type (so that
%% construction gives them back).

w_bin(B) ->
    case segments(B) of
        [] -> pick(["<<>>", ["<<", ws_req(), ">>"]]);
        Segs -> ["<<", ws(), join_ws(",", Segs), ws(), ">>"]
    end.

segments(<<>>) -> [];
segments(B) ->
    {Text, Rest} = segment(B),
    [Text | segments(Rest)].

segment(B) ->
    Size = bit_size(B),
    Cands =
        [{4, fun() -> seg_bytes_string(B) end} || Size >= 8] ++
        [{3, fun() -> seg_utf(B) end} || Size >= 8] ++
        [{5, fun() -> seg_int(B) end}] ++
        [{2, fun() -> seg_float(B) end} || Size >= 16] ++
        [{2, fun() -> seg_chars_string(B) end}],
    case wpick(Cands) of
        none -> seg_int(B);
        R -> R
    end.

%% "..." with 8 bits per character (the default), or ":8", or "/integer".
seg_bytes_string(B) ->
    N = u(1, min(12, bit_size(B) div 8)),
    <<Bytes:N/binary, Rest/bits>> = B,
    Str = w_string(binary_to_list(Bytes)),
    Spec = wpick([{6, ""}, {1, [ws(), ":", ws(), size_text(8)]},
                  {1, fun() -> [ws(), "/", ws(), types(["integer"])] end},
                  {1, fun() -> [ws(), ":", ws(), size_text(4), ws(), "/", ws(), types(["unit:2"])] end}]),
    {[Str, Spec], Rest}.

%% "..."/utf8 (or utf16/utf32, big or little), or $c/utf8.
seg_utf(B) ->
    {Type, End} = pick([{"utf8", big}, {"utf8", big}, {"utf16", big}, {"utf16", little},
                        {"utf32", big}, {"utf32", little}]),
    case decode_utf(B, Type, End, u(1, 10), []) of
        {[], _} -> none;
        {Cs, Rest} ->
            Ends = case {Type, End} of
                       {"utf8", _} -> [];
                       {_, little} -> ["little"];
                       {_, big} -> pick([[], ["big"]])
                   end,
            Val = case Cs of
                      [C] -> pick_fun([fun() -> char_lit(C) end, fun() -> w_string([C]) end]);
                      _ -> w_string(Cs)
                  end,
            {[Val, ws(), "/", ws(), types([Type | Ends])], Rest}
    end.

decode_utf(B, _, _, 0, Acc) -> {lists:reverse(Acc), B};
decode_utf(B, Type, End, N, Acc) ->
    case dec1(B, Type, End) of
        {ok, C, Rest} -> decode_utf(Rest, Type, End, N - 1, [C | Acc]);
        error -> {lists:reverse(Acc), B}
    end.

dec1(B, Type, End) ->
    try dec1_checked(B, Type, End)
    catch error:{badmatch, _} -> error
    end.

dec1_checked(B, Type, End) ->
    {C, R} = case {Type, End} of
                 {"utf8", _} -> <<C0/utf8, R0/bits>> = B, {C0, R0};
                 {"utf16", big} -> <<C0/utf16, R0/bits>> = B, {C0, R0};
                 {"utf16", little} -> <<C0/utf16-little, R0/bits>> = B, {C0, R0};
                 {"utf32", big} -> <<C0/utf32, R0/bits>> = B, {C0, R0};
                 {"utf32", little} -> <<C0/utf32-little, R0/bits>> = B, {C0, R0}
             end,
    case is_char(C) of
        true -> {ok, C, R};
        false -> error
    end.

%% V:N/Types with V decoded from the first N bits with the same types.
seg_int(B) ->
    Size = bit_size(B),
    N = case Size >= 8 andalso p(0.4) of
            true -> pick([8, 8, 16, 24, 32, 64]);
            false -> u(1, min(Size, 72))
        end,
    N1 = min(N, Size),
    Signed = p(0.3),
    End = pick([big, big, little, native]),
    <<Chunk:N1/bits, Rest/bits>> = B,
    V0 = decode_int(Chunk, N1, Signed, End),
    %% Values are truncated to the segment size: add a multiple of 2^N sometimes.
    V = case p(0.15) of
            true -> V0 + pick([1, -1, 3]) * (1 bsl N1);
            false -> V0
        end,
    Ts = shuffle([pick(["integer", ""]), case Signed of true -> "signed"; false -> pick(["unsigned", ""]) end,
                  case End of big -> pick(["big", ""]); little -> "little"; native -> "native" end]),
    Types = [T || T <- Ts, T =/= ""],
    {SizeText, Unit} = size_and_unit(N1, 8, 1),
    TypeList = Types ++ Unit,
    {[w_int(V), SizeText,
      case TypeList of
          [] -> "";
          _ -> [ws(), "/", ws(), types(TypeList)]
      end], Rest}.

decode_int(Chunk, N, Signed, End) ->
    case {Signed, End} of
        {false, big} -> <<V:N>> = Chunk, V;
        {true, big} -> <<V:N/signed>> = Chunk, V;
        {false, little} -> <<V:N/little>> = Chunk, V;
        {true, little} -> <<V:N/little-signed>> = Chunk, V;
        {false, native} -> <<V:N/native>> = Chunk, V;
        {true, native} -> <<V:N/native-signed>> = Chunk, V
    end.

%% The size part ":S" (plus "unit:U" among the types) for a segment of N bits
%% whose default size is Default (omitted when N =:= Default, sometimes).
size_and_unit(N, Default, _) ->
    case N =:= Default andalso p(0.6) of
        true -> {"", []};
        false ->
            Units = [U || U <- lists:seq(1, min(N, 256)), N rem U =:= 0],
            case p(0.2) andalso N > 0 of
                true ->
                    U = pick(Units),
                    {[ws(), ":", ws(), size_text(N div U)], ["unit:" ++ integer_to_list(U)]};
                false ->
                    {[ws(), ":", ws(), size_text(N)], []}
            end
    end.

size_text(N) ->
    wpick([{10, fun() -> decimal(N) end}, {1, fun() -> based(N) end},
           {1, fun() -> ["(", ws(), decimal(N), ws(), ")"] end}] ++
          [{1, fun() -> char_lit(N) end} || N >= 32, N =< 126, N =/= $\\]).

types(Ts) -> join_ws("-", Ts).

%% F:S/float (S = 16, 32 or 64) with F decoded from the bits (finite only).
seg_float(B) ->
    Size = bit_size(B),
    S = pick([S0 || S0 <- [16, 32, 64], S0 =< Size]),
    End = pick([big, little, native]),
    <<Chunk:S/bits, Rest/bits>> = B,
    case decode_float(Chunk, S, End) of
        error -> none;
        F ->
            Val = case F == trunc(F) andalso abs(F) < 1.0e15 andalso p(0.3) of
                      true -> w_int(trunc(F));
                      false -> w_float(F)
                  end,
            %% An integer value loses the sign of -0.0.
            Val1 = case is_neg_zero(F) of true -> w_float(F); false -> Val end,
            {SizeText, Unit} = size_and_unit(S, 64, 1),
            Ends = case End of big -> pick([[], ["big"]]); little -> ["little"]; native -> ["native"] end,
            {[Val1, SizeText, ws(), "/", ws(), types(shuffle(["float" | Ends]) ++ Unit)], Rest}
    end.

is_neg_zero(F) -> <<F/float>> =:= <<(-0.0)/float>>.

decode_float(Chunk, S, End) ->
    try
        case End of
            big -> <<F:S/float>> = Chunk, F;
            little -> <<F:S/float-little>> = Chunk, F;
            native -> <<F:S/float-native>> = Chunk, F
        end
    catch
        error:{badmatch, _} -> error
    end.

%% "..." : N  (each character as N bits, big or little endian): the characters
%% are the N-bit chunks (plus a multiple of 2^N when that makes a valid
%% character of a chunk that is not one).
seg_chars_string(B) ->
    Size = bit_size(B),
    N = pick([S || S <- [1, 2, 3, 4, 7, 8, 12, 16, 21, 24], S =< Size]),
    End = case N rem 8 of 0 -> pick([big, little]); _ -> big end,
    Count = u(1, min(8, Size div N)),
    {Chars, Rest} = take_chars(B, N, End, Count, []),
    case Chars of
        [] -> none;
        _ ->
            {SizeText, Unit} = size_and_unit(N, 8, 1),
            Ends = case End of little -> ["little"]; big -> [] end,
            TypeList = Ends ++ Unit,
            {[w_string(Chars), SizeText,
              case TypeList of [] -> ""; _ -> [ws(), "/", ws(), types(TypeList)] end], Rest}
    end.

take_chars(B, _, _, 0, Acc) -> {lists:reverse(Acc), B};
take_chars(B, N, End, Count, Acc) ->
    <<Chunk:N/bits, Rest/bits>> = B,
    V = case End of big -> <<X:N>> = Chunk, X; little -> <<X:N/little>> = Chunk, X end,
    case valid_char_mod(V, N) of
        none -> {lists:reverse(Acc), B};
        C -> take_chars(Rest, N, End, Count - 1, [C | Acc])
    end.

valid_char_mod(V, N) ->
    Cands = [V + K * (1 bsl N) || K <- [0, 1, 2, 3]],
    case [C || C <- Cands, is_char(C), not (latin1() andalso C > 255)] of
        [] -> none;
        [C | _] when N >= 8 -> C;
        Cs -> pick(Cs)
    end.

%% ===========================================================================
%% Files of random terms

%% Returns [#{file, terms, texts, expected}] after checking that file:consult
%% reads every file back exactly (a generator bug stops the test).
gen_files(Family, NFiles, Dir) ->
    [gen_file(Family, serial(I, NFiles, 4), Dir) || I <- lists:seq(1, NFiles)].

gen_file(Family, Serial, Dir) ->
    Terms = [gen_term(Family) || _ <- lists:seq(1, terms_per_file(Family))],
    gen_file_of(Family, Serial, Dir, Terms, 8).

gen_file_of(Family, Serial, Dir, Terms, Tries) ->
    put(latin1, false),
    Coding = wpick([{20, ""}, {2, "%% coding: utf-8\n"}, {1, "%% -*- coding: utf-8 -*-\n"},
                    {1, "%%coding:utf-8\n"}]),
    Lead = case p(0.2) of true -> [ws_req()]; false -> "" end,
    Texts = [lists:flatten([w(T)]) || T <- Terms],
    N = length(Texts),
    Body = [[Text, ws(), ".", term_end(K =:= N)] || {K, Text} <- lists:zip(lists:seq(1, N), Texts)],
    Chars = lists:flatten([Coding, Lead, Body]),
    Bin = unicode:characters_to_binary(Chars),
    File = filename:join(Dir, io_lib:format("~s-~s.term", [Family, Serial])),
    ok = file:write_file(File, Bin),
    case consult(File) of
        {ok, Read} ->
            case same(Read, Terms) of
                true ->
                    Expected = [coding_line(Coding) | [tp(T) || T <- Terms]],
                    #{file => lists:flatten(File), terms => Terms, texts => Texts,
                      expected => iolist_to_binary(Expected)};
                false when Tries > 0 ->
                    report_generator_bug(File, Terms, Read),
                    gen_file_of(Family, Serial, Dir, Terms, Tries - 1);
                false ->
                    error({generator_bug, File, reads_back_differently})
            end;
        {error, E} ->
            report_generator_bug(File, Terms, {error, E}),
            case Tries > 0 of
                true -> gen_file_of(Family, Serial, Dir, Terms, Tries - 1);
                false -> error({generator_bug, File, E})
            end
    end.

report_generator_bug(File, Terms, Read) ->
    put(generator_bugs, [File | case get(generator_bugs) of undefined -> []; L -> L end]),
    io:format("GENERATOR BUG (seed ~b): ~s~n  terms: ~ts~n  read:  ~ts~n",
              [get(seed), File, short(io_lib:format("~tp", [Terms])),
               short(io_lib:format("~tp", [Read]))]),
    {ok, Bin} = file:read_file(File),
    _ = file:write_file(File ++ ".bug", Bin),
    ok.

term_end(true) ->
    wpick([{6, "\n"}, {2, ""}, {1, fun() -> ["%", comment_text()] end},
           {1, fun() -> [ws_piece(), ws()] end}]);
term_end(false) ->
    wpick([{6, "\n"}, {2, fun() -> [ws_piece(), ws()] end},
           {1, fun() -> ["%", comment_text(), "\n"] end}]).

coding_line("") -> "";
coding_line(Line) -> unicode:characters_to_binary(Line).

tp(T) -> unicode:characters_to_binary(io_lib:format("~tp.~n", [T])).

%% Exact equality: floats bit for bit (OTP 25's =:= says -0.0 =:= 0.0).
same(A, B) when is_float(A), is_float(B) -> <<A/float>> =:= <<B/float>>;
same([A | As], [B | Bs]) -> same(A, B) andalso same(As, Bs);
same(A, B) when is_tuple(A), is_tuple(B), tuple_size(A) =:= tuple_size(B) ->
    same(tuple_to_list(A), tuple_to_list(B));
same(A, B) when is_map(A), is_map(B), map_size(A) =:= map_size(B) ->
    same(lists:sort(maps:to_list(A)), lists:sort(maps:to_list(B)));
same(A, B) -> A =:= B.

%% ===========================================================================
%% Running relupkit

q(S) -> [$', S, $'].

%% Runs `relupkit fmt ARGS FILE` for every {File, Args}; returns
%% #{File => {ExitStatus, Stdout, Stderr}}. One shell runs them all.
run_relupkit(Jobs, Tag) ->
    Relupkit = get(relupkit),
    Script = filename:join(get(work), "run-" ++ Tag ++ ".sh"),
    Lines = [[q(Relupkit), " fmt ", Args, " ", q(F), " >", q(F ++ ".out"), " 2>", q(F ++ ".err"),
              "; echo $? >", q(F ++ ".rc"), "\n"]
             || {F, Args} <- Jobs],
    ok = file:write_file(Script, ["#!/bin/sh\n", Lines]),
    _ = os:cmd("sh " ++ q(Script)),
    maps:from_list([{F, result(F)} || {F, _} <- Jobs]).

result(F) ->
    {ok, Rc} = file:read_file(F ++ ".rc"),
    {ok, Out} = file:read_file(F ++ ".out"),
    {ok, Err} = file:read_file(F ++ ".err"),
    {binary_to_integer(string:trim(Rc)), Out, Err}.

%% ===========================================================================
%% (a) + (b) + idempotence on generated valid files

check_valid_files(Family, Gen) ->
    NTerms = lists:sum([length(Ts) || #{terms := Ts} <- Gen]),
    Bytes = lists:sum([filelib:file_size(F) || #{file := F} <- Gen]),
    io:format("~s: ~b files, ~b terms, ~b bytes of varied syntax~n",
              [Family, length(Gen), NTerms, Bytes]),
    R1 = run_relupkit([{F, ""} || #{file := F} <- Gen], "fmt"),
    %% Canonical text must be a fixed point.
    lists:foreach(fun(#{file := F, expected := E}) -> ok = file:write_file(F ++ ".expected", E) end,
                  Gen),
    R2 = run_relupkit([{F ++ ".expected", "--check"} || #{file := F} <- Gen], "check"),
    Results = [check_valid(G, maps:get(F, R1), maps:get(F ++ ".expected", R2))
               || #{file := F} = G <- Gen],
    summarize(Family, Results, ["(a) output == ~tp of what file:consult reads",
                                "(b) output reads back exactly", "(c) canonical text is a fixed point"]).

check_valid(#{file := F, terms := Terms, texts := Texts, expected := Exp}, {Rc, Out, Err}, Check) ->
    A = case {Rc, Out} of
            {0, Exp} -> ok;
            {0, _} -> {fail, explain_mismatch(F, Texts, Terms, Exp, Out)};
            _ -> {fail, io_lib:format("exit ~b, stderr: ~ts", [Rc, short(Err)])}
        end,
    B = case Rc of
            0 -> reads_back(F ++ ".out", Terms);
            _ -> {fail, "no output"}
        end,
    C = case Check of
            {0, <<>>, <<>>} -> ok;
            {CRc, _, CErr} -> {fail, io_lib:format("`fmt --check` on the ~~tp text: exit ~b, stderr: ~ts",
                                                   [CRc, short(CErr)])}
        end,
    {F, [A, B, C]}.

reads_back(OutFile, Terms) ->
    case consult(OutFile) of
        {ok, Read} ->
            case same(Read, Terms) of
                true -> ok;
                false -> {fail, first_difference_terms(Terms, Read)}
            end;
        {error, E} -> {fail, io_lib:format("file:consult of the output: ~ts", [file:format_error(E)])}
    end.

first_difference_terms(Terms, Read) when length(Terms) =/= length(Read) ->
    io_lib:format("read ~b terms back, expected ~b", [length(Read), length(Terms)]);
first_difference_terms(Terms, Read) ->
    [{K, T, R} | _] = [{K, T, R} || {K, T, R} <- lists:zip3(lists:seq(1, length(Terms)), Terms, Read),
                                    not same(T, R)],
    io_lib:format("term ~b reads back as ~ts~n      instead of ~ts",
                  [K, short(io_lib:format("~tw", [R])), short(io_lib:format("~tw", [T]))]).

%% Which term differs first, its source text, expected and actual text.
explain_mismatch(F, Texts, Terms, Exp, Out) ->
    Pos = common_prefix(Exp, Out),
    Starts = term_starts(Exp, Terms),
    K = length([S || S <- Starts, S =< Pos]),
    Line = length(binary:matches(binary:part(Exp, 0, Pos), <<"\n">>)) + 1,
    Source = case K >= 1 andalso K =< length(Texts) of
                 true -> lists:nth(K, Texts);
                 false -> "(coding line)"
             end,
    io_lib:format("first difference at byte ~b (expected line ~b), term ~b~n"
                  "      source:   ~ts~n      expected: ~ts~n      actual:   ~ts~n      file: ~s",
                  [Pos, Line, K, short(show(unicode:characters_to_binary(Source))),
                   short(show(around(Exp, Pos))),
                   short(show(around(Out, Pos))), F]).

term_starts(Exp, Terms) ->
    Lens = [byte_size(tp(T)) || T <- Terms],
    Total = lists:sum(Lens),
    CodingLen = byte_size(Exp) - Total,
    {Starts, _} = lists:mapfoldl(fun(L, Acc) -> {Acc, Acc + L} end, CodingLen, Lens),
    Starts.

common_prefix(A, B) -> binary:longest_common_prefix([A, B]).

around(Bin, Pos) ->
    Start = max(0, Pos - 60),
    binary:part(Bin, Start, min(byte_size(Bin) - Start, 140)).

%% Bytes shown as a quoted, escaped string when they are UTF-8, else as a binary.
show(B) ->
    case unicode:characters_to_list(B) of
        L when is_list(L) -> io_lib:write_string(L);
        _ -> io_lib:format("~w", [B])
    end.

short(Chars) ->
    S = case unicode:characters_to_list(Chars) of
            L when is_list(L) -> L;
            _ -> lists:flatten(io_lib:format("~tw", [Chars]))
        end,
    case length(S) > 700 of
        true -> [lists:sublist(S, 700), "..."];
        false -> S
    end.

summarize(Name, Results, CheckNames) ->
    NChecks = length(CheckNames),
    Counts = [length([ok || {_, Rs} <- Results, lists:nth(I, Rs) =:= ok]) || I <- lists:seq(1, NChecks)],
    lists:foreach(
      fun({I, CName}) ->
              io:format("  ~-55ts ~b/~b ok~n", [CName, lists:nth(I, Counts), length(Results)])
      end, lists:zip(lists:seq(1, NChecks), CheckNames)),
    Failures = [{F, I, Msg} || {F, Rs} <- Results, {I, {fail, Msg}} <- lists:zip(lists:seq(1, NChecks), Rs)],
    Shown = lists:sublist(Failures, ?MAX_SHOWN_FAILURES),
    lists:foreach(
      fun({F, I, Msg}) ->
              io:format("~nFAIL ~s ~ts: ~s~n  ~ts~n", [Name, lists:nth(I, CheckNames), F, Msg])
      end, Shown),
    case length(Failures) > length(Shown) of
        true -> io:format("~n... and ~b more failures (inputs in ~s)~n",
                          [length(Failures) - length(Shown), get(work)]);
        false -> ok
    end,
    Bugs = case get(generator_bugs) of undefined -> []; L -> L end,
    case {Failures, Bugs} of
        {[], []} -> ok;
        _ ->
            [io:format("~nthe generator wrote ~b text(s) that did not read back (see above); "
                       "this is a bug in relupkit_oracle.erl~n", [length(Bugs)]) || Bugs =/= []],
            io:format("~nreplay with RELUPKIT_SEED=~p~n", [get(seed)]),
            {fail, length(Failures) + length(Bugs)}
    end.

%% ===========================================================================
%% Accept/reject inputs (malformed and oddities)

%% Inputs: [{Label, Bytes} | {Label, Bytes, Opts}]. For each: file:consult
%% decides; relupkit must agree. Where OTP's ~tp text of the terms does not read
%% back as them (declared with the option no_read_back, or found so), either
%% OTP's bytes or a text that reads back is fine.
check_inputs(Name, Dir, Inputs0) ->
    Inputs = lists:zip(lists:seq(1, length(Inputs0)), [norm_input(In) || In <- Inputs0]),
    Files = [{lists:flatten(filename:join(Dir, serial(I, length(Inputs), 4))), L, B, O}
             || {I, {L, B, O}} <- Inputs],
    lists:foreach(fun({F, _, B, _}) -> ok = file:write_file(F, B) end, Files),
    Oracle = [{F, L, B, O, oracle(F)} || {F, L, B, O} <- Files],
    NOk = length([x || {_, _, _, _, {ok, _}} <- Oracle]),
    NExc = length([x || {_, _, _, _, {error, {exception, _, _}}} <- Oracle]),
    io:format("~s: ~b inputs, file:consult accepts ~b and rejects ~b~n",
              [Name, length(Oracle), NOk, length(Oracle) - NOk]),
    [io:format("  (info) file:consult raised an exception (not an error tuple) on ~b of them; "
               "counted as rejections~n", [NExc]) || NExc > 0],
    [io:format("  (info) file:consult rejects [~ts]: ~tp~n", [L, E])
     || Name =:= "oddities", {_, L, _, _, {error, E}} <- Oracle],
    R = run_relupkit([{F, ""} || {F, _, _, _, _} <- Oracle], "fmt"),
    Results = [{F, [check_one(F, L, B, O, Or, maps:get(F, R))]} || {F, L, B, O, Or} <- Oracle],
    line_stats(Oracle, R),
    summarize(Name, Results, ["relupkit accepts exactly what file:consult accepts"]).

norm_input({L, B}) -> {L, B, []};
norm_input({L, B, O}) -> {L, B, O}.

oracle(F) ->
    {ok, Bin} = file:read_file(F),
    case guarded_consult(F, Bin) of
        {ok, Terms} -> {ok, expected_output(Bin, Terms)};
        {error, E} -> {error, E}
    end.

%% file:consult/1, with its exceptions turned into errors: OTP 25 raises
%% {case_clause,{error,tokens}} for a file that ends inside a `\xH` escape
%% (e.g. the 4 bytes '\x6); that counts as a rejection.
consult(F) ->
    try file:consult(F)
    catch Class:Reason -> {error, {exception, Class, Reason}}
    end.

%% consult/1 of F (whose bytes are Bin), unless the text asks for a binary
%% segment of more bits than relupkit allows a file of its size (2^27 + 64 per
%% byte of text): a mutated text can ask for billions of bits in a few bytes (a size such as
%% `32#002native`, read as one based integer), and OTP then builds integers
%% of hundreds of MB in BIFs that cannot be interrupted (seed 628918600765 of
%% malformed.mutated: over ten minutes and 14 GB). relupkit refuses such
%% binaries by design (README, "Known, deliberate differences": binaries are
%% bounded by the input's size), so the file is {error, {huge_segment, Size}}
%% without asking OTP, and relupkit must refuse it.
guarded_consult(F, Bin) ->
    case huge_segment(Bin) of
        false -> consult(F);
        Size -> {error, {huge_segment, Size}}
    end.

%% The first segment size over Max in the text's terms (a segment has at least
%% as many bits as its size), or false, also when the text does not scan or
%% parse: OTP then fails fast.
huge_segment(Bin) ->
    try
        Chars = unicode:characters_to_list(Bin),
        true = is_list(Chars),
        {ok, Toks, _} = erl_scan:string(Chars),
        huge_size(parse_forms(Toks, []), (1 bsl 27) + 64 * byte_size(Bin))
    catch _:_ -> false
    end.

parse_forms([], Acc) -> Acc;
parse_forms(Toks, Acc) ->
    {Form, Rest} = lists:splitwith(fun(T) -> element(1, T) =/= dot end, Toks),
    Parsed = case erl_parse:parse_exprs(Form ++ [{dot, 1}]) of
                 {ok, Exprs} -> Exprs;
                 _ -> []
             end,
    parse_forms(case Rest of [] -> []; [_ | R] -> R end, [Parsed | Acc]).

huge_size({bin_element, _, Value, Size, _}, Max) when Size =/= default ->
    case catch erl_eval:expr(Size, []) of
        {value, N, _} when is_integer(N), N > Max -> N;
        _ -> huge_size(Value, Max)
    end;
huge_size(T, Max) when is_tuple(T) -> huge_size(tuple_to_list(T), Max);
huge_size([H | T], Max) ->
    case huge_size(H, Max) of
        false -> huge_size(T, Max);
        N -> N
    end;
huge_size(_, _) -> false.

%% What `relupkit fmt` must print for a file that file:consult/1 reads as Terms:
%% the encoding-comment line if the file has one on its first or second line
%% and that line is a `%` comment (the rule of epp:read_encoding/1, which reads
%% two lines), then each term as io_lib:format("~tp.~n") writes it, UTF-8
%% encoded. When the kept line says latin-1 the output is Latin-1: ~tp if all
%% of its characters are below 256, else ~p (which writes atom characters
%% above 255 as \x{...}), so that the output reads back the same.
%% One case where OTP's output would not read back: UTF-8 output that epp takes
%% for Latin-1 (a quoted atom on the first two lines holding the text
%% `%coding: latin-1`) gets a `%% coding: utf-8` first line.
expected_output(Bin, Terms) ->
    {Line, Enc} = coding_line_of(Bin),
    Out = iolist_to_binary([Line | [print_as(T, Enc) || T <- Terms]]),
    case Enc =:= utf8 andalso epp:read_encoding_from_binary(Out) =:= latin1 of
        true -> <<"%% coding: utf-8\n", Out/binary>>;
        false -> Out
    end.

coding_line_of(Bin) ->
    Lines = binary:split(Bin, <<"\n">>, [global]),
    case Lines of
        [L1, L2 | _] -> coding_line_of(L1, L2);
        [L1] -> coding_line_of(L1, <<>>)
    end.

coding_line_of(L1, L2) ->
    case epp:read_encoding_from_binary(<<L1/binary, "\n">>) of
        none ->
            case epp:read_encoding_from_binary(<<L1/binary, "\n", L2/binary, "\n">>) of
                none -> {<<>>, utf8};
                Enc -> keep_if_comment(L2, Enc)
            end;
        Enc -> keep_if_comment(L1, Enc)
    end.

keep_if_comment(<<"%", _/binary>> = L, Enc) -> {<<L/binary, "\n">>, Enc};
keep_if_comment(_, _) -> {<<>>, utf8}.

print_as(T, latin1) ->
    Chars = lists:flatten(io_lib:format("~tp.~n", [T])),
    case lists:all(fun(C) -> C =< 255 end, Chars) of
        true -> list_to_binary(Chars);
        false -> list_to_binary(lists:flatten(io_lib:format("~p.~n", [T])))
    end;
print_as(T, utf8) -> tp(T).

check_one(F, Label, Input, Opts, Oracle, {Rc, Out, Err}) ->
    Show = fun(Why) ->
                   {fail, io_lib:format("[~ts] ~ts~n  input: ~ts~n  file:consult: ~ts",
                                        [Label, Why, short(show(Input)),
                                         short(oracle_text(Oracle))])}
           end,
    case Oracle of
        {error, {huge_segment, Size}} when Rc =:= 2 ->
            io:format("  (info) [~ts] a segment of size ~b, not asked of OTP; relupkit refuses "
                      "it: ~ts", [Label, Size, Err]),
            ok;
        {error, _} ->
            ErrRe = "^" ++ re_quote(F) ++ ":[0-9]+:[0-9]+: error: [^\n]+\n\\z",
            if
                Rc =/= 2 -> Show(io_lib:format("relupkit exits ~b (expected 2); stderr: ~ts",
                                               [Rc, short(Err)]));
                Out =/= <<>> -> Show("relupkit wrote to stdout on error");
                true ->
                    case re:run(Err, ErrRe, [{capture, none}]) of
                        match -> ok;
                        nomatch -> Show(io_lib:format("stderr is not one `FILE:LINE:COL: error: MSG` "
                                                      "line: ~ts", [show(Err)]))
                    end
            end;
        {ok, Exp} ->
            if
                Rc =/= 0 -> Show(io_lib:format("relupkit rejects it (exit ~b): ~ts", [Rc, short(Err)]));
                Err =/= <<>> -> Show(io_lib:format("relupkit writes to stderr: ~ts", [short(Err)]));
                Out =/= Exp ->
                    NoReadBack = lists:member(no_read_back, Opts) orelse
                        otp_text_reads_back(F, Exp) =/= ok,
                    case NoReadBack andalso reads_back_same(F) =:= ok of
                        true ->
                            io:format("  (info) [~ts] relupkit prints a text that reads back, "
                                      "not OTP's bytes~n", [Label]),
                            ok;
                        false ->
                            Pos = common_prefix(Out, Exp),
                            Show(io_lib:format("output differs at byte ~b~n  expected: ~ts~n"
                                               "  actual:   ~ts",
                                               [Pos, show(around(Exp, Pos)), show(around(Out, Pos))]))
                    end;
                true ->
                    %% relupkit prints OTP's bytes: a text that does not read back is
                    %% OTP's (funs: ~tp writes the UTF-8 bytes of an atom as characters).
                    case lists:member(no_read_back, Opts) orelse reads_back_same(F) =:= ok of
                        true -> ok;
                        false ->
                            io:format("  (info) [~ts] relupkit prints OTP's bytes (which do not "
                                      "read back)~n", [Label]),
                            ok
                    end
            end
    end.

%% Whether OTP's own ~tp text Exp of the terms in F reads back as those terms.
otp_text_reads_back(F, Exp) ->
    ok = file:write_file(F ++ ".otp", Exp),
    reads_back_same(F, F ++ ".otp").

%% Whether relupkit's output (F.out) reads back as the terms in F.
reads_back_same(F) ->
    reads_back_same(F, F ++ ".out").

reads_back_same(F, Text) ->
    {ok, A} = consult(F),
    case consult(Text) of
        {ok, B} ->
            case same(A, B) of
                true -> ok;
                false -> {fail, io_lib:format("output reads back as different terms: ~ts",
                                              [first_difference_terms(A, B)])}
            end;
        {error, E} -> {fail, io_lib:format("output does not read back: ~tp", [E])}
    end.

oracle_text({ok, Exp}) -> ["accepts; ~tp prints ", show(Exp)];
oracle_text({error, {exception, C, R}}) -> io_lib:format("raises ~tp:~tp", [C, R]);
oracle_text({error, E}) -> io_lib:format("rejects: ~ts (~tp)", [file:format_error(E), E]).

re_quote(S) -> [[case lists:member(C, "\\^$.|?*+()[]{}") of true -> [$\\, C]; false -> C end] || C <- S].

%% Informational: how often relupkit's error line equals the line OTP reports.
line_stats(Oracle, R) ->
    Pairs = [{OLine, RLine, F, OErr, Err}
             || {F, _, _, _, {error, {OLine, _, _} = OErr}} <- Oracle,
                is_integer(OLine),
                {2, _, Err} <- [maps:get(F, R)],
                {match, [RLine]} <- [re:run(Err, ":([0-9]+):[0-9]+: error:",
                                            [{capture, all_but_first, list}])]],
    Differ = [P || {A, B, _, _, _} = P <- Pairs, integer_to_list(A) =/= B],
    case Pairs of
        [] -> ok;
        _ ->
            io:format("  (info) error line equal to OTP's error line: ~b/~b~n",
                      [length(Pairs) - length(Differ), length(Pairs)]),
            [io:format("  (info) e.g. ~ts: OTP ~tp; relupkit ~ts~n",
                       [filename:basename(F), OErr, string:trim(Err, trailing)])
             || {_, _, F, OErr, Err} <- lists:sublist(Differ, 3)],
            ok
    end.

%% ===========================================================================
%% Malformed inputs

malformed("truncated") ->
    %% Every character prefix of some valid texts, and a few byte prefixes that
    %% cut a UTF-8 sequence.
    Texts = [valid_text(u(0, 2)) || _ <- lists:seq(1, scaled(60))],
    lists:append(
      [begin
           Cs = unicode:characters_to_list(T),
           Prefixes = [unicode:characters_to_binary(lists:sublist(Cs, K))
                       || K <- lists:seq(0, length(Cs) - 1)],
           ByteCuts = [binary:part(T, 0, K) || K <- lists:seq(1, byte_size(T) - 1),
                                                not utf8_boundary(T, K), p(0.3)],
           [{"prefix", P} || P <- Prefixes] ++ [{"byte prefix", P} || P <- ByteCuts]
       end || T <- Texts]);
malformed("mutated") ->
    %% Token-level mutations of valid texts: delete, duplicate, swap or replace
    %% a token (tokens from erl_scan, whitespace and comments included).
    lists:append([mutations(valid_text(u(0, 3)), 8) || _ <- lists:seq(1, scaled(250))]);
malformed("bytes") ->
    %% Byte-level edits of valid texts (1 to 3 each): a byte replaced, inserted
    %% or deleted, with bytes of any value, so that UTF-8 sequences, escapes,
    %% quotes and comments break anywhere, not only at token boundaries.
    lists:append([[{"bytes", byte_edits(T, u(3))} || _ <- lists:seq(1, 6)]
                  || T <- [valid_text(u(0, 3)) || _ <- lists:seq(1, scaled(300))]]);
malformed("unbalanced") ->
    [{"unbalanced", unbalanced(D)}
     || D <- lists:seq(1, 20) ++ [u(20, 200) || _ <- lists:seq(1, scaled(60))]
            ++ [1000, 5000, 100000]];
malformed("fixed") ->
    [{"fixed", unicode:characters_to_binary(S)} || S <- fixed_bad()] ++
        [{"fixed bytes", B} || B <- fixed_bad_bytes()].

utf8_boundary(B, K) ->
    <<_:K/binary, C, _/binary>> = B,
    C band 16#C0 =/= 16#80.

%% A valid text of a few random terms (small, so prefixes stay cheap).
valid_text(Depth) ->
    put(latin1, false),
    Terms = [gen_any(Depth) || _ <- lists:seq(1, u(1, 2))],
    Text = [[w(T), ws(), ".", term_end(false)] || T <- Terms],
    B = unicode:characters_to_binary(lists:flatten(Text)),
    case byte_size(B) > 160 of
        true -> valid_text(Depth);
        false -> B
    end.

mutations(Bin, N) ->
    case erl_scan:string(unicode:characters_to_list(Bin), {1, 1},
                         [text, return_white_spaces, return_comments]) of
        {ok, Toks, _} when length(Toks) >= 2 ->
            Texts = [erl_scan:text(T) || T <- Toks],
            [{"mutated", unicode:characters_to_binary(mutate(Texts))} || _ <- lists:seq(1, N)];
        _ -> []
    end.

mutate(Texts) ->
    L = length(Texts),
    K = u(L),
    {A, [X | B]} = lists:split(K - 1, Texts),
    case u(6) of
        1 -> A ++ B;                                   % delete
        2 -> A ++ [X, X | B];                          % duplicate
        3 -> case B of [Y | B1] -> A ++ [Y, X | B1]; [] -> A ++ [X, X] end;   % swap
        4 -> A ++ [pick(tokens_pool()) | B];           % replace
        5 -> A ++ [X, pick(tokens_pool()) | B];        % insert
        6 -> lists:sublist(Texts, u(L))                % truncate
    end.

byte_edits(Bin, 0) ->
    Bin;
byte_edits(Bin, N) ->
    K = u(byte_size(Bin) + 1) - 1,
    <<A:K/binary, Rest/binary>> = Bin,
    B = case p(0.5) of
            true -> u(256) - 1;
            false -> pick([16#80, 16#A0, 16#BF, 16#C0, 16#C3, 16#E2, 16#ED, 16#EF, 16#F4, 16#FF,
                           0, $\\, $', $", $%, $., $\n, $$, $#, $_, $^, $x, ${, $}])
        end,
    Edited = case {u(3), Rest} of
                 {1, <<_, R/binary>>} -> <<A/binary, B, R/binary>>;   % replace
                 {2, <<_, R/binary>>} -> <<A/binary, R/binary>>;      % delete
                 _ -> <<A/binary, B, Rest/binary>>                    % insert
             end,
    byte_edits(Edited, N - 1).

tokens_pool() ->
    [",", ".", "|", "[", "]", "{", "}", "#{", "#", "=>", ":=", "<<", ">>", ":", "/", "-", "+",
     "'", "\"", "$", "\\", "fun", "a", "X", "_", "1", "1.0", "16#", "#", "%", "\n", " ", ". ",
     "'a", "\"a", "$\\", "1e5", "1_", "_1", "2#2", "after", "maybe", [0], [16#A0], "\x{3B1}",
     "<", ">", "=", "(", ")", ";", "!", "?", "`", "~", "&", "*", "^", [16#FEFF], [16#2028]].

unbalanced(Depth) ->
    Opens = [pick(["[", "{", "#{1=>", "[a|", "{a,", "#{k => "]) || _ <- lists:seq(1, Depth)],
    Closes = [closer(O) || O <- lists:reverse(Opens)],
    Body = pick(["a", "1", "\"s\"", "<<1>>", "[]"]),
    Mode = u(6),
    {Os, Cs} = case Mode of
                   1 -> {Opens, tl(Closes)};                       % one closer missing
                   2 -> {Opens, Closes ++ [pick(["]", "}", ">>", ")"])]};   % one too many
                   3 -> {Opens, swap_one(Closes)};                 % wrong kind at some depth
                   4 -> {tl(Opens), Closes};                       % one opener missing
                   5 -> {Opens, drop_one(Closes)};                 % any closer missing
                   6 -> {Opens, replace_one(Closes)}
               end,
    iolist_to_binary([Os, Body, Cs, ".\n"]).

closer("[") -> "]";
closer("[a|") -> "]";
closer("{") -> "}";
closer("{a,") -> "}";
closer(_) -> "}".

swap_one(Cs) ->
    K = u(length(Cs)),
    {A, [X | B]} = lists:split(K - 1, Cs),
    A ++ [case X of "]" -> "}"; "}" -> "]" end | B].

drop_one(Cs) ->
    K = u(length(Cs)),
    {A, [_ | B]} = lists:split(K - 1, Cs),
    A ++ B.

replace_one(Cs) ->
    K = u(length(Cs)),
    {A, [_ | B]} = lists:split(K - 1, Cs),
    A ++ [pick([">>", ")", ",", "|", "."])] ++ B.

fixed_bad() ->
    Long = fun(C, N) -> lists:duplicate(N, C) end,
    [
     %% terminator and structure
     "a", "a.b.", "a..", ". ", "a.b", "[a,].", "{a,}.", "#{a=>1,}.", "<<1,>>.", "[1|2|3].",
     "[|a].", "[a|].", "{,}.", "a,b.", "a b.", ")", "]", "}.", ">>.", "(a.", "((a).", "[a.",
     "'a' 'b'.", "\"a\" 'b'.", "a.\n.", "a. .", "#{a}.", "#{a=>}.", "#{=>1}.", "#{a := 1}.",
     "#{a => 1 b => 2}.", "#a{}.", "#r{a=1}.", "#{}#{}.", "#{a=>1}#{}.", "<<<1>>>.",
     %% escapes
     "\"\\x{}\".", "\"\\x{D800}\".", "\"\\x{110000}\".", "\"\\xg1\".", "\"\\x4g\".", "'\\x{'.",
     "\"\\x{1F600\".", "$\\x{}.", "$\\x{110000}.", "$\\x{D800}.", "$\\xg.", "\"\\x{FFFE}\".",
     "\"\\x{FFFF}\".", "$\\x{FFFE}.", "'\\x{FFFF}'.", "\"\\", "\"\\\"", "'\\'.", "$\\", "$",
     "$\\^", "\"\\^\\\".",
     %% unterminated
     "\"abc.", "'abc.", "\"abc", "'abc", "\"a\nb.\n", "'a\n.\n",
     %% atoms: length
     [$' | Long($a, 256)] ++ "'.", Long($a, 256) ++ ".", Long($a, 255) ++ ".",
     [$' | Long(945, 256)] ++ "'.", [$' | Long(945, 255)] ++ "'.",
     [$' | lists:append(Long("\\n", 256))] ++ "'.", [$' | lists:append(Long("\\n", 255))] ++ "'.",
     [$' | Long(16#1F600, 256)] ++ "'.", [$' | Long(16#1F600, 255)] ++ "'.",
     "[" ++ lists:join(",", lists:duplicate(3, Long($b, 256))) ++ "].",
     [945, $b, $c, $.], "\x{3B1}.", "'a' 'b'.", "été.", "ßa.", "÷a.", "a÷.", "a×.",
     %% integers
     "2#102.", "2#.", "2#2.", "37#1.", "1#0.", "0#0.", "16#g.", "16#_1.", "16#1_.", "1__0.",
     "1_.", "_1.", "1_000_.", "16#ff__ff.", "36#zz.", "36#ZZ_z.", "16#1.5.", "10#12.", "2#1010.",
     "1#1.", "99#1.", "- 16#1F.", "-16#.", "16##1.", "16#-1.", "007.", "0_1.",
     %% floats
     "1.0e400.", "1.0e309.", "-1.0e309.", "1.7976931348623157e308.", "1.7976931348623159e308.",
     "1.e5.", ".5.", "1e5.", "1.0e.", "1.0e-.", "1.0e+.", "1.0e_1.", "1._0.", "1_.0.", "1.0_.",
     "1.0e1_.", "1.0e1__0.", "0.0e-400.", "2.4e-324.", "1.0E5.", "1.5e+3.", "00.50.", "1.0e0_1.",
     %% reserved words, variables, operators and other expressions
     "after.", "[after].", "{cond, 'let'}.", "{'cond', let}.", "begin.", "end.", "'end'.",
     "maybe.", "else.", "catch a.", "not a.", "X.", "_.", "_x.", "[A].", "{a, B}.", "Ab.",
     "1+2.", "a++b.", "- a.", "+a.", "-(-5).", "- - 5.", "+(-5).", "--5.", "-+5.", "+-5.",
     "-'a'.", "-[1].", "-\"a\".", "-$a.", "+$a.", "(5).", "((a)).", "[(a)|(b)].", "-(5.0).",
     "1 2.", "a:b.", "m:f(1).", "f(1).", "a!b.", "a = 1.", "fun m:f/256.", "fun m:f/255.",
     "fun m:f/-1.", "fun (m):f/1.", "fun f/1.", "fun M:f/1.", "fun m:F/1.", "fun m:f/(2).",
     "fun m:f/$a.", "fun m:f/16#2.", "fun() -> ok end.", "fun m:f.", "fun m/1.", "fun 'a b':'c'/0.",
     "<0.1.0>.", "#Ref<0.1.2.3>.", "#Fun<erl_eval.6.123>.", "#Port<0.5>.", "<0.1.0.>.",
     "#{a => 1, a => 2}.", "#{1 => a, 1.0 => b}.", "#{0.0 => a, -0.0 => b}.", "1 . 2.",
     %% binaries
     "<<(1+2)>>.", "<<X>>.", "<<\"ab\"/binary>>.", "<<1:1/bits>>.", "<<1/unit:8>>.",
     "<<-1/utf8>>.", "<<1:7/utf8>>.", "<<1:0/float>>.", "<<1.5>>.", "<<1.5:8>>.",
     "<<1.0e300:32/float>>.", "<<1.0e39:32/float>>.", "<<65520.0:16/float>>.",
     "<<1:8/unit:0>>.", "<<1:1/unit:257>>.", "<<1:1/unit:256>>.", "<<1/little-big>>.",
     "<<1/signed-unsigned>>.", "<<\"ab\"/utf16-integer>>.", "<<1:(-8)>>.", "<<1:a>>.",
     "<<1:8/foo>>.", "<<1/utf8:8>>.", "<<\"a\":0>>.", "<<1:$a>>.", "<<a>>.", "<<[1]>>.",
     "<<{1}>>.", "<<<<1>>>>.", "<<<<1>>/bits>>.", "<< 1 : 8 / little - signed >>.",
     "<<\"x\"/float>>.", "<<$\\x{D800}/utf8>>.", "<<16#110000/utf8>>.", "<<16#D800/utf16>>.",
     "<<1:16/float>>.", "<<\"\\x{3b1}\"/utf32-little>>.", "<<1.5/float-unit:8>>.",
     "<<1.5:4/float-unit:16>>.", "<<1:3/float>>.", "<<1.5:24/float>>.",
     %% whitespace and characters outside the allowed sets
     "a\x{3000}.", "\x{2028}a.", "a.\x{2028}", "a.\x{FEFF}", [16#FEFF] ++ "a.", "a\x{FEFF}.",
     "a.\x{85}b.", "a.\x{A0}b.", "a\x{A0}.", [0, $a, $., 0], [$%, 16#FFFF, $\n, $a, $.], "\"\x{FFFD}\".", "'\x{0}'.",
     "\"\x{7F}\x{80}\x{9F}\".", "a.%", "a.%\n", "%", "%%\n", "a.\r\nb.\r\n", "a.\x{7F}b.", "a\x{7F}."
    ].

fixed_bad_bytes() ->
    [<<"'a", 16#80, "'.">>, <<"'a", 16#C0, 16#80, "'.">>, <<"\"", 16#ED, 16#A0, 16#80, "\".">>,
     <<"\"", 16#F5, 16#80, 16#80, 16#80, "\".">>, <<"a.", 16#FF>>, <<"a. % ", 16#FE, "\n">>,
     <<"'a", 16#E2, 16#82, "'.">>, <<"'", 16#E2, 16#82>>, <<16#EF, 16#BB, 16#BF, "a.">>,
     <<16#EF, 16#BB, 16#BF, "%% coding: latin-1\na.">>,
     <<"%% coding: latin-1\n", 16#EF, 16#BB, 16#BF, "a.">>,
     <<"\"", 16#F0, 16#9F, 16#98, "\".">>, <<"\"", 16#F4, 16#90, 16#80, 16#80, "\".">>,
     <<"\"", 16#E0, 16#80, 16#AF, "\".">>, <<"\"", 16#C1, 16#BF, "\".">>,
     <<"%% coding: latin-1\n'", 16#E9, "'.">>, <<"%% coding: latin-1\n\"", 16#FF, 16#80, "\".">>,
     <<"%% coding: utf-8\n'", 16#E9, "'.">>, <<"%% coding: foo\na.">>,
     <<"%% coding: latin-1\n", 16#A0, "a.", 16#85, "b.">>,
     <<"\n%% coding: latin-1\n'", 16#E9, "'.">>, <<"\n\n%% coding: latin-1\n'", 16#E9, "'.">>,
     <<"a. %% coding: latin-1\n'", 16#E9, "'.">>, <<"%% -*- coding: latin-1 -*-\n'", 16#E9, "'.">>,
     <<"%% coding: latin-1\n\"\\x{3b1}\".">>, <<"%% coding: latin-1\n'\\x{3b1}'.">>,
     <<"%% coding: latin-1\n<<\"", 16#E9, "\"/utf8>>.">>].

%% ===========================================================================
%% Accepted oddities

oddities() ->
    Atom40 = lists:duplicate(40, $q),
    BigList = ["[", lists:join(",\n ", lists:duplicate(10 * 1024 * 1024 div 43, Atom40)), "].\n"],
    put(latin1, false),
    [{"NUL whitespace", <<0, "a", 0, ".", 0, "\n", 0, "[", 0, "b", 0, "|", 0, "c", 0, "]", 0, ".", 0>>},
     {"NBSP whitespace", unicode:characters_to_binary([160, "a", 160, ".", 160, "{", 160, "x", 160, "}", 160, "."])},
     {"C1 whitespace", unicode:characters_to_binary([16#80, "a", 16#85, ".", 16#9F, "b.", 16#A0])},
     {"control whitespace", <<1, 2, "a", 3, 31, ".", 31, "\n", 8, 27>>},
     {"latin-1 file", <<"%% coding: latin-1\n'", 16#E9, "t", 16#E9, "'.\n\"fa", 16#E7, "ade\".\n<<\"", 16#E9, "\">>.\n",
                        160, "[a].\n">>},
     {"latin-1 file, escapes", <<"%% coding: latin-1\n{'\\x{e9}', \"\\xff\", <<\"\\351\">>}.\n">>},
     {"latin-1 -*- line", <<"%% -*- coding: latin-1 -*-\n'", 16#FF, "'.\n">>},
     {"utf-8 coding line", <<"%% coding: utf-8\n'", 195, 169, "'.\n">>},
     {"utf-8 coding line only", <<"%% coding: utf-8\n">>},
     {"empty file", <<>>},
     {"only whitespace", <<" \n\t\n">>},
     {"only comments", <<"% one\n%% two\n%%% three">>},
     {"dot at EOF", <<"a.">>},
     {"dot comment at EOF", <<"a.%c">>},
     {"dot then comment", <<"a.% c\nb.">>},
     {"CRLF", <<"{a,\r\n b}.\r\n[1,\r\n2].\r\n">>},
     {"CR only", <<"a.\rb.\r">>},
     {"string across lines", <<"\"line one\nline two\".\n">>},
     {"comment between strings", <<"\"abc\" % comment\n \"def\".\n">>},
     {"many terms", iolist_to_binary([[integer_to_list(I), ".\n"] || I <- lists:seq(1, 20000)])},
     {"10 MB atom list", iolist_to_binary(BigList)},
     {"1,000,000-deep list", iolist_to_binary([lists:duplicate(1000000, $[), lists:duplicate(1000000, $]), ".\n"])},
     %% Tuples and maps indent every level: ~tp output grows with depth squared
     %% (a 100,000-deep {a,{a,...}} prints as 5 GB), so these stay shallower.
     {"1,000-deep tagged tuple", iolist_to_binary([lists:duplicate(1000, "{a,"), "b", lists:duplicate(1000, $}), ".\n"])},
     {"2,000-deep mixed", iolist_to_binary([lists:duplicate(500, "[#{k=>{<<1>>,["), "x",
                                             lists:duplicate(500, "]}}]"), ".\n"])},
     {"non-ASCII fun (~tp writes UTF-8 bytes as characters)",
      unicode:characters_to_binary(["fun '", 233, "t", 233, "':'", 945, "'/1.\n"]), [no_read_back]},
     {"fun with reserved words (~tp does not quote them)", <<"fun 'orelse':'receive'/0.\n">>, [no_read_back]},
     {"wide tuple", iolist_to_binary(["{", lists:join(",", [integer_to_list(I) || I <- lists:seq(1, 100000)]), "}.\n"])},
     {"255-char atoms", unicode:characters_to_binary(
                          ["[", lists:duplicate(255, $a), ",'", lists:duplicate(255, 945), "','",
                           lists:append(lists:duplicate(255, "\\n")), "'].\n"])},
     {"huge integer", iolist_to_binary(["-", lists:duplicate(20000, $9), ".\n"])},
     {"huge based integer", iolist_to_binary(["36#", lists:duplicate(5000, $z), ".\n"])},
     {"long string", iolist_to_binary(["\"", lists:duplicate(200000, $x), "\".\n"])},
     {"long binary", iolist_to_binary(["<<", lists:join(",", lists:duplicate(50000, "255")), ">>.\n"])}].

%% ===========================================================================
%% (d) Real files

term_files(Dir) ->
    case filelib:is_dir(Dir) of
        true ->
            [F || F <- filelib:wildcard(filename:join(Dir, "**/*")), filelib:is_regular(F),
                  is_term_file(F)];
        false -> [Dir]
    end.

%% Everything except scripts, sources and documentation.
is_term_file(F) ->
    not lists:member(filename:extension(F), [".md", ".sh", ".erl", ".hrl", ".escript", ".beam",
                                             ".txt", ".boot", ".tar", ".gz", ".out", ".err", ".rc"])
        andalso filename:basename(F) =/= "start_erl.data".

%% I zero-padded to MinWidth digits, or to as many as Count has: the names of
%% Count numbered files stay distinct (~3..0b prints *** from 1,000 on).
serial(I, Count, MinWidth) ->
    io_lib:format("~*..0b", [max(MinWidth, length(integer_to_list(Count))), I]).

check_term_files(Name, Files) ->
    Dir = fresh_dir(Name),
    %% Numbered, so that files with the same name (rebar.config, ...) get
    %% copies of their own.
    Copies = [{lists:flatten(filename:join(Dir, [serial(I, length(Files), 3), "-", filename:basename(F)])), F}
              || {I, F} <- lists:zip(lists:seq(1, length(Files)), Files)],
    lists:foreach(fun({C, F}) -> {ok, _} = file:copy(F, C) end, Copies),
    R1 = run_relupkit([{C, ""} || {C, _} <- Copies], "fmt"),
    R2 = run_relupkit([{C, "--check"} || {C, _} <- Copies], "check"),
    %% R2 writes the .out/.err/.rc of the --check run over R1's: R1 was read already.
    Results = [{F, check_real(C, F, maps:get(C, R1), maps:get(C, R2))} || {C, F} <- Copies],
    summarize(Name, Results, ["output == coding line + ~tp of what file:consult reads",
                              "output reads back exactly",
                              "`fmt --check` exit 0 iff the file is canonical"]).

check_real(C, F, {Rc, Out, Err}, {CRc, _, _}) ->
    case consult(F) of
        {error, E} ->
            Msg = io_lib:format("file:consult rejects it: ~tp; relupkit exit ~b", [E, Rc]),
            V = case Rc of 2 -> ok; _ -> {fail, Msg} end,
            [V, V, V];
        {ok, Terms} ->
            {ok, Bin} = file:read_file(F),
            Exp = expected_output(Bin, Terms),
            A = if
                    Rc =/= 0 -> {fail, io_lib:format("exit ~b: ~ts", [Rc, short(Err)])};
                    Out =:= Exp -> ok;
                    true ->
                        Pos = common_prefix(Exp, Out),
                        {fail, io_lib:format("differs at byte ~b~n  expected: ~ts~n  actual:   ~ts",
                                             [Pos, show(around(Exp, Pos)), show(around(Out, Pos))])}
                end,
            B = case Rc of
                    0 ->
                        ok = file:write_file(C ++ ".fmt", Out),
                        case consult(C ++ ".fmt") of
                            {ok, Read} -> case same(Read, Terms) of
                                              true -> ok;
                                              false -> {fail, first_difference_terms(Terms, Read)}
                                          end;
                            {error, E} -> {fail, io_lib:format("output does not read back: ~tp", [E])}
                        end;
                    _ -> {fail, "no output"}
                end,
            Canonical = Bin =:= Exp,
            D = case {Canonical, CRc} of
                    %% systools writes a relup with ~tp: the oracle itself says so.
                    {false, _} when Rc =:= 0 ->
                        case filename:basename(F) of
                            "relup" -> {fail, "this relup is not in canonical form, but systools "
                                              "writes relups with ~tp: is it hand-edited?"};
                            _ when CRc =:= 1 -> ok;
                            _ -> {fail, io_lib:format("file is not canonical but `fmt --check` "
                                                      "exits ~b", [CRc])}
                        end;
                    {true, 0} -> ok;
                    {false, 1} -> ok;
                    _ -> {fail, io_lib:format("file is~s canonical but `fmt --check` exits ~b",
                                              [case Canonical of true -> ""; false -> " not" end, CRc])}
                end,
            [A, B, D]
    end.
