#!/usr/bin/env escript
%% -*- erlang -*-
%% SPDX-License-Identifier: Apache-2.0
%% check_generator.escript DIR: for every DIR/N.config written by relupkit_prop_gen,
%% the terms file:consult reads must be =:= the generator's dump (DIR/N.config.gen,
%% tests/parse/term_dump.h's format read back into terms here). The property
%% tests trust the generator as their oracle; this holds it to OTP.
-mode(compile).

main([Dir]) ->
    Files = filelib:wildcard(filename:join(Dir, "*.config")),
    Bad = lists:filter(fun(F) -> not check(F) end, Files),
    io:format("check_generator: ~b files, ~b mismatches~n", [length(Files), length(Bad)]),
    halt(case {Files, Bad} of {[_ | _], []} -> 0; _ -> 1 end).

check(F) ->
    {ok, Gen} = file:read_file(F ++ ".gen"),
    ["ok" | Lines] = string:lexemes(binary_to_list(Gen), "\n"),
    Expected = [begin {T, ""} = term(L), T end || L <- Lines],
    case file:consult(F) of
        {ok, Expected} -> true;
        {ok, Terms} when length(Terms) =:= length(Expected) ->
            case lists:all(fun({A, B}) -> A =:= B end, lists:zip(Terms, Expected)) of
                true -> true;
                false -> report(F, Expected, {ok, Terms})
            end;
        Other -> report(F, Expected, Other)
    end.

report(F, Expected, Got) ->
    {ok, Text} = file:read_file(F),
    io:format("MISMATCH ~ts~n  text: ~w~n  generator: ~w~n  file:consult: ~w~n",
              [F, Text, Expected, Got]),
    false.

%% The dump format, read back.
term("A(" ++ S) -> {Cs, ")" ++ R} = ints(S), {list_to_atom(Cs), R};
term("F(" ++ S) -> {Num, ")" ++ R} = lists:splitwith(fun(C) -> C =/= $) end, S),
                   {list_to_float(Num), R};
term("fun(" ++ S) ->
    {M, "," ++ S1} = term(S), {Fn, "," ++ S2} = term(S1),
    {A, ")" ++ R} = int(S2), {erlang:make_fun(M, Fn, A), R};
term("{" ++ S) -> {Es, "}" ++ R} = seq(S, $}), {list_to_tuple(Es), R};
term("#{" ++ S) -> {Ps, "}" ++ R} = pairs(S), {maps:from_list(Ps), R};
term("<<" ++ S) ->
    {Bytes, ":" ++ S1} = ints(S), {Bits, ">>" ++ R} = int(S1),
    <<B:Bits/bitstring, _/bitstring>> = list_to_binary(Bytes), {B, R};
term("[" ++ S) -> list(S);
term(S) -> int(S).

list("]" ++ R) -> {[], R};
list(S) ->
    {E, S1} = term(S),
    case S1 of
        "," ++ S2 -> {T, R} = list(S2), {[E | T], R};
        "|" ++ S2 -> {T, "]" ++ R} = term(S2), {[E | T], R};
        "]" ++ R -> {[E], R}
    end.

seq([C | R], C) -> {[], [C | R]};
seq(S, Close) ->
    {E, S1} = term(S),
    case S1 of
        "," ++ S2 -> {Es, R} = seq1(S2, Close), {[E | Es], R};
        R -> {[E], R}
    end.
seq1(S, Close) -> {E, S1} = term(S),
    case S1 of "," ++ S2 -> {Es, R} = seq1(S2, Close), {[E | Es], R}; R -> {[E], R} end.

pairs("}" ++ _ = R) -> {[], R};
pairs(S) ->
    {K, "=>" ++ S1} = term(S), {V, S2} = term(S1),
    case S2 of
        "," ++ S3 -> {Ps, R} = pairs(S3), {[{K, V} | Ps], R};
        R -> {[{K, V}], R}
    end.

ints(")" ++ _ = R) -> {[], R};
ints(":" ++ _ = R) -> {[], R};
ints(S) ->
    {I, S1} = int(S),
    case S1 of "," ++ S2 -> {Is, R} = ints(S2), {[I | Is], R}; R -> {[I], R} end.

int(S) ->
    {Digits, R} = lists:splitwith(fun(C) -> C =:= $- orelse (C >= $0 andalso C =< $9) end, S),
    {list_to_integer(Digits), R}.
