#!/usr/bin/env escript
%% -*- erlang -*-
%%! -noshell +pc latin1
%% SPDX-License-Identifier: Apache-2.0
%% A stand-in for `relupkit fmt [--check] FILE` built on OTP itself
%% (file:consult + io_lib:format("~tp.~n")). It is not used by ctest: it checks
%% the oracle harness, which must pass every test with it, e.g.
%%   erlc -o /tmp tests/oracle/relupkit_oracle.erl
%%   erl -noshell -pa /tmp -run relupkit_oracle main syntax mixed \
%%       tests/oracle/otp_fmt.escript /tmp/oracle-work 20
%% Errors are reported at column 1 of the line OTP names.
main(["fmt", "--check", File]) ->
    case format(File) of
        {ok, Out} ->
            {ok, Bin} = file:read_file(File),
            halt(case Out =:= Bin of true -> 0; false -> 1 end);
        error -> halt(2)
    end;
main(["fmt", File]) ->
    case format(File) of
        {ok, Out} ->
            ok = file:write(standard_io, Out),
            halt(0);
        error -> halt(2)
    end;
main(_) ->
    io:format(standard_error, "usage: otp_fmt.escript fmt [--check] FILE~n", []),
    halt(2).

format(File) ->
    io:setopts(standard_io, [binary, {encoding, latin1}]),
    case catch file:consult(File) of
        {ok, Terms} ->
            {ok, Bin} = file:read_file(File),
            {Line, Enc} = coding_line(binary:split(Bin, <<"\n">>, [global])),
            {ok, iolist_to_binary([Line | [print_as(T, Enc) || T <- Terms]])};
        {error, {Line, Mod, Desc}} ->
            L = case Line of {L0, _} -> L0; L0 when is_integer(L0) -> L0; _ -> 1 end,
            io:format(standard_error, "~ts:~b:1: error: ~ts~n",
                      [File, L, lists:flatten(Mod:format_error(Desc))]),
            error;
        Other ->
            io:format(standard_error, "~ts:1:1: error: ~w~n", [File, Other]),
            error
    end.

%% The encoding comment on line 1 or 2, kept when its line is a `%` comment.
coding_line([L1 | Rest]) ->
    L2 = case Rest of [X | _] -> X; [] -> <<>> end,
    case epp:read_encoding_from_binary(<<L1/binary, "\n">>) of
        none ->
            case epp:read_encoding_from_binary(<<L1/binary, "\n", L2/binary, "\n">>) of
                none -> {<<>>, utf8};
                Enc -> keep(L2, Enc)
            end;
        Enc -> keep(L1, Enc)
    end.

keep(<<"%", _/binary>> = L, Enc) -> {<<L/binary, "\n">>, Enc};
keep(_, _) -> {<<>>, utf8}.

print_as(T, latin1) ->
    Chars = lists:flatten(io_lib:format("~tp.~n", [T])),
    case lists:all(fun(C) -> C =< 255 end, Chars) of
        true -> list_to_binary(Chars);
        false -> list_to_binary(lists:flatten(io_lib:format("~p.~n", [T])))
    end;
print_as(T, utf8) -> unicode:characters_to_binary(io_lib:format("~tp.~n", [T])).
