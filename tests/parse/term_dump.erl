%% The Erlang side of tests/parse/term_dump.h: file:consult a file and write
%% each term in the same structural dump format, or "error" on failure.
-module(term_dump).
-export([main/1, dump/1]).

%% For each file F: write F.expected.
main(Files) ->
    lists:foreach(
      fun(In) ->
              Text = case file:consult(In) of
                         {ok, Terms} -> [["ok\n"], [[dump(T), "\n"] || T <- Terms]];
                         {error, _} -> "error\n"
                     end,
              ok = file:write_file(In ++ ".expected", unicode:characters_to_binary(Text))
      end, Files),
    halt(0).

dump(A) when is_atom(A) -> ["A(", join([integer_to_list(C) || C <- atom_to_list(A)]), ")"];
dump(I) when is_integer(I) -> integer_to_list(I);
dump(F) when is_float(F) -> ["F(", fmt_float(F), ")"];
dump(L) when is_list(L) -> ["[", dump_list(L, true), "]"];
dump(T) when is_tuple(T) -> ["{", join([dump(E) || E <- tuple_to_list(T)]), "}"];
dump(M) when is_map(M) -> ["#{", join([[dump(K), "=>", dump(V)] || {K, V} <- maps:to_list(M)]), "}"];
dump(B) when is_bitstring(B) ->
    Bits = bit_size(B),
    Pad = (8 - Bits rem 8) rem 8,
    Bytes = binary_to_list(<<B/bitstring, 0:Pad>>),
    ["<<", join([integer_to_list(X) || X <- Bytes]), ":", integer_to_list(Bits), ">>"];
dump(F) when is_function(F) ->
    {module, M} = erlang:fun_info(F, module),
    {name, N} = erlang:fun_info(F, name),
    {arity, A} = erlang:fun_info(F, arity),
    ["fun(", dump(M), ",", dump(N), ",", integer_to_list(A), ")"].

dump_list([], _) -> "";
dump_list([H | T], First) ->
    [if First -> ""; true -> "," end, dump(H), dump_list(T, false)];
dump_list(Tail, _) -> ["|", dump(Tail)].

join([]) -> "";
join([H | T]) -> [H, [[",", X] || X <- T]].

%% C's "%.17e": d.ddddddddddddddddde[+-]XX
fmt_float(F) ->
    S = float_to_list(F, [{scientific, 17}]),
    [Mant, Exp] = string:split(S, "e"),
    {Sign, Digits} = case Exp of [$- | D] -> {"-", D}; [$+ | D] -> {"+", D}; D -> {"+", D} end,
    Exp2 = case length(Digits) of 1 -> [$0 | Digits]; _ -> Digits end,
    [Mant, "e", Sign, Exp2].
