%% SPDX-License-Identifier: Apache-2.0
%%
%% Random terms for the printer's differential test against OTP.
%%
%%   gen_print_cases:main([Seed, Count, Dir])
%%
%% writes, for Count random terms made from Seed:
%%   Dir/input_w.txt   each term as io_lib:format("~tw.~n") (flat: the printer
%%                     has to find every line break itself)
%%   Dir/input_tp.txt  each term as io_lib:format("~tp.~n") (the layout systools
%%                     writes; also the expected ~tp output)
%%   Dir/expected_p.txt  io_lib:format("~p.~n")
%% all UTF-8. Run it under `+pc unicode` to get the other printable range.
-module(gen_print_cases).
-export([main/1]).

main([Seed, Count, Dir]) ->
    rand:seed(exsss, {Seed, Seed bxor 16#5DEECE66D, 7}),
    Terms = [term(I) || I <- lists:seq(1, Count)],
    write(filename:join(Dir, "input_w.txt"), "~tw.~n", Terms),
    write(filename:join(Dir, "input_tp.txt"), "~tp.~n", Terms),
    write(filename:join(Dir, "expected_p.txt"), "~p.~n", Terms),
    ok.

write(File, Fmt, Terms) ->
    ok = file:write_file(File, [unicode:characters_to_binary(io_lib:format(Fmt, [T]))
                                || T <- Terms]).

%% A mix of shapes: relup-like instructions, wide flat lists near the 80
%% column boundary, deep nests, maps, and plain random trees.
term(I) ->
    case I rem 8 of
        0 when I rem 24 =:= 0 -> big_map();
        0 -> relup_like();
        1 -> near_boundary();
        2 -> tree(1 + rand:uniform(5), 2 + rand:uniform(6));
        3 -> {long_tag(), tree(3, 4), tree(2, 6)};
        4 -> map_term(3);
        5 -> leaf();
        6 -> tree(rand:uniform(3), 12);
        _ -> [tree(2, 3) || _ <- lists:seq(1, rand:uniform(8))]
    end.

%% ---------------------------------------------------------------- leaves

leaf() ->
    case rand:uniform(12) of
        1 -> atom();
        2 -> atom();
        3 -> integer();
        4 -> float_();
        5 -> string();
        6 -> string();
        7 -> binary();
        8 -> [];
        9 -> {};
        10 -> #{};
        11 -> fun_();
        _ -> rand:uniform(300) - 20
    end.

atom() ->
    list_to_atom(atom_chars()).

atom_chars() ->
    case rand:uniform(14) of
        1 -> pick(["after", "and", "andalso", "band", "begin", "bnot", "bor", "bsl", "bsr",
                   "bxor", "case", "catch", "cond", "div", "end", "fun", "if", "let",
                   "not", "of", "or", "orelse", "receive", "rem", "try", "when", "xor",
                   "maybe", "else", "true", "false", "undefined", "ok"]);
        2 -> pick(["Abc", "a b", "'", "a\\b", "", "a.b", "_x", "1a", "a-b", "@a", "a@",
                   "ok@host", "Elixir.Foo", "a\nb", "\d", [1], [127], [128], [159], [160],
                   "été", "ÿ", "ß", "÷x", "a÷", "a×", "Ω", [16#3B1], [16#3B1, $x],
                   [$e, 16#301], [16#1F600], [$a, 16#200D, $b], [16#1100, 16#1161, 16#11A8],
                   [16#AC00, 16#11A8], [16#1F1EB, 16#1F1F7], [16#600, $a], "a\"b",
                   "tab\there", [0], [27], [8, 9, 10, 11, 12, 13]]);
        3 -> random_chars(rand:uniform(6), unicode);
        4 -> random_chars(rand:uniform(12), latin1);
        5 -> lists:duplicate(50 + rand:uniform(30), $a);
        6 -> "m" ++ integer_to_list(rand:uniform(1000));
        _ -> name(1 + rand:uniform(14))
    end.

name(N) ->
    [$a + rand:uniform(26) - 1 | [pick("abcdefghijklmnopqrstuvwxyz_0123456789")
                                  || _ <- lists:seq(2, N)]].

random_chars(N, latin1) ->
    [pick("azAZ09_@ .'\"\\\n\t" ++ [160, 200, 223, 247, 255, 1, 127, 150])
     || _ <- lists:seq(1, N)];
random_chars(N, unicode) ->
    [pick("ab" ++ [233, 16#3B1, 16#3B2, 16#301, 16#200D, 16#1F600, 16#1F1EB, 16#1F1F7,
                   16#AC00, 16#1100, 16#1161, 16#4E2D, 16#600, 16#308, 16#FE0F, 16#2764,
                   16#E9, 16#10FFFF, 16#FFFD, 16#2028])
     || _ <- lists:seq(1, N)].

integer() ->
    case rand:uniform(6) of
        1 -> rand:uniform(1 bsl 70) - (1 bsl 69);
        2 -> -rand:uniform(1 bsl 62);
        3 -> (1 bsl 63) - 2 + rand:uniform(3);
        4 -> -(1 bsl 63) - 2 + rand:uniform(3);
        5 -> rand:uniform(1 bsl 200) * pick([1, -1]);
        _ -> rand:uniform(100000)
    end.

float_() ->
    case rand:uniform(5) of
        1 -> pick([0.0, -0.0, 1.0, 0.1, 1.0e15, 1.0e16, 1.0e-5, 123.0, 1.0e21, 5.0e-324,
                   1.7976931348623157e308, 9007199254740992.0, 0.0001, 1.5e300]);
        2 -> (rand:uniform() - 0.5) * math:pow(10, rand:uniform(40) - 20);
        3 -> float(rand:uniform(1000000));
        _ ->
            <<F:64/float>> = <<(rand:uniform(16#7FE0000000000000) - 1):64>>,
            F * pick([1, -1])
    end.

string() ->
    case rand:uniform(9) of
        1 -> "";
        2 -> name(rand:uniform(30));
        3 -> random_chars(rand:uniform(20), latin1);
        4 -> random_chars(rand:uniform(8), unicode);
        5 -> pick(["1.0.0", "2.0.0", "héllo", "a\"b\\c", "line\nbreak", "tab\t", "\e\v\f\b",
                   [7], [0], [255, 160], [256], "Déscr α"]);
        6 -> [rand:uniform(300) || _ <- lists:seq(1, rand:uniform(10))];
        7 -> lists:duplicate(rand:uniform(100), $x);
        8 -> [$a | [$b | name(3)]];
        _ -> name(5) ++ [16#3B1]
    end.

binary() ->
    case rand:uniform(9) of
        1 -> <<>>;
        2 -> list_to_binary(name(rand:uniform(20)));
        3 -> unicode:characters_to_binary(random_chars(rand:uniform(6), unicode));
        4 -> list_to_binary(random_chars(rand:uniform(10), latin1));
        5 -> << <<(rand:uniform(256) - 1)>> || _ <- lists:seq(1, rand:uniform(40)) >>;
        6 -> <<(rand:uniform(1000)):(rand:uniform(20))>>;
        7 -> <<(list_to_binary(name(3)))/binary, (rand:uniform(8) - 1):3>>;
        8 -> unicode:characters_to_binary([233, $a, 16#3B1]);
        _ -> << <<(rand:uniform(256) - 1)>> || _ <- lists:seq(1, 60 + rand:uniform(100)) >>
    end.

%% erlang:fun_to_list/1 writes non-ASCII atom names as their UTF-8 bytes and
%% reserved words unquoted, neither of which reads back as the same fun; the
%% unit tests cover those.
fun_() ->
    erlang:make_fun(ascii_atom(), ascii_atom(), rand:uniform(4) - 1).

ascii_atom() ->
    A = atom(),
    case lists:all(fun(C) -> C < 128 end, atom_to_list(A))
        andalso not erl_scan:reserved_word(A) of
        true -> A;
        false -> ascii_atom()
    end.

%% ---------------------------------------------------------------- compounds

tree(0, _Width) ->
    leaf();
tree(Depth, Width) ->
    case rand:uniform(9) of
        1 -> leaf();
        2 -> list_to_tuple([atom() | children(Depth, Width)]);
        3 -> list_to_tuple(children(Depth, Width));
        4 -> children(Depth, Width);
        5 -> improper(children(Depth, Width), tree(Depth - 1, Width));
        6 -> map_term(Depth);
        7 -> {pick([load, update, apply, code_change, suspend]), tree(Depth - 1, Width)};
        8 -> [atom() || _ <- lists:seq(1, rand:uniform(Width * 2))];
        _ -> list_to_tuple([long_tag() | children(Depth, Width)])
    end.

children(Depth, Width) ->
    [tree(Depth - 1, Width) || _ <- lists:seq(1, rand:uniform(Width))].

improper([], T) -> [T];
improper(L, T) -> L ++ T.

map_term(Depth) ->
    N = rand:uniform(8) - 1,
    maps:from_list([{key(), tree(max(Depth - 1, 0), 3)} || _ <- lists:seq(1, N)]).

key() ->
    case rand:uniform(8) of
        1 -> rand:uniform(5);
        2 -> float(rand:uniform(5));
        3 -> {atom()};
        4 -> string();
        5 -> binary();
        6 -> pick([[], {}, #{}, [a], #{a => 1}, -0.0, 0, 0.0]);
        _ -> atom()
    end.

%% More than 32 keys: OTP's HAMT order. Atom and fun keys hash by VM-internal
%% values (atom index, export address), so only other keys are used.
big_map() ->
    maps:from_list([{hashable_key(), tree(1, 3)} || _ <- lists:seq(1, 33 + rand:uniform(40))]).

hashable_key() ->
    case rand:uniform(10) of
        1 -> rand:uniform(1000) - 500;
        2 -> rand:uniform(1 bsl 80) - (1 bsl 79);
        3 -> (rand:uniform() - 0.5) * 1.0e6;
        4 -> [rand:uniform(300) || _ <- lists:seq(1, rand:uniform(9))];
        5 -> list_to_binary([rand:uniform(255) || _ <- lists:seq(1, rand:uniform(30))]);
        6 -> {rand:uniform(10), [rand:uniform(5)], <<"k">>};
        7 -> <<(rand:uniform(100)):(rand:uniform(13))>>;
        8 -> pick([[], {}, #{}, 0.0, -0.0, [1 | 2], [[]], "abc", #{1 => 2}, #{"a" => [1.5]},
                   (1 bsl 59) - 1, 1 bsl 59, -(1 bsl 59), -(1 bsl 59) - 1]);
        9 -> [rand:uniform(3) | rand:uniform(3)];
        _ -> integer_to_list(rand:uniform(100000))
    end.

long_tag() ->
    list_to_atom(name(25 + rand:uniform(25))).

%% Terms whose flat length is close to 80 columns.
near_boundary() ->
    Target = 70 + rand:uniform(20),
    case rand:uniform(5) of
        1 -> fill_atoms(Target, []);
        2 -> {name(5), fill_atoms(Target - 10, [])};
        3 -> [lists:duplicate(Target - 4, $a)];
        4 -> {pick([load, update]), {list_to_atom(name(Target - 30)), brutal_purge, brutal_purge}};
        _ -> [a | list_to_atom(name(Target - 6))]
    end.

fill_atoms(Left, Acc) when Left =< 2 ->
    lists:reverse(Acc);
fill_atoms(Left, Acc) ->
    N = min(Left, 1 + rand:uniform(12)),
    fill_atoms(Left - N - 1, [list_to_atom(name(N)) | Acc]).

relup_like() ->
    Mods = [list_to_atom(name(4 + rand:uniform(20))) || _ <- lists:seq(1, rand:uniform(12))],
    App = list_to_atom(name(3 + rand:uniform(30))),
    Instrs = [{load_object_code, {App, "1.0." ++ integer_to_list(rand:uniform(9)), Mods}},
              point_of_no_return]
        ++ [pick([{load, {M, brutal_purge, brutal_purge}}, {suspend, [M]}, {resume, [M]},
                  {code_change, up, [{M, []}]}, {apply, {M, f, [1, "x"]}}])
            || M <- Mods],
    {"2.0.0", [{"1.0.0", [], Instrs}], [{"1.0.0", [], lists:reverse(Instrs)}]}.

pick(L) ->
    lists:nth(rand:uniform(length(L)), L).
