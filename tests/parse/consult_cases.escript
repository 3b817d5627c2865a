#!/usr/bin/env escript
%% -*- erlang -*-
%%! -noshell
%% Differential test of the hand parser against OTP's file:consult/1.
%%
%% usage: consult_cases.escript DUMP_BINARY CASES_FILE WORK_DIR
%%
%% CASES_FILE holds inputs separated by lines "=====". Each input is written
%% to its own file; OTP reads it with file:consult/1 and the structural dump of
%% term_dump.erl is compared with what DUMP_BINARY writes (tests/parse/
%% parse_dump_main.cpp). Both must accept the same inputs with the same terms,
%% and reject the same inputs.
main([Dump, Cases, Work]) ->
    {ok, Bin} = file:read_file(Cases),
    Inputs = binary:split(Bin, <<"\n=====\n">>, [global]),
    ok = filelib:ensure_dir(filename:join(Work, "x")),
    Files = lists:map(
              fun({I, Input}) ->
                      F = filename:join(Work, io_lib:format("case~4..0B", [I])),
                      ok = file:write_file(F, Input),
                      lists:flatten(F)
              end, lists:zip(lists:seq(1, length(Inputs)), Inputs)),
    ScriptDir = filename:dirname(escript:script_name()),
    {ok, term_dump, Beam} = compile:file(filename:join(ScriptDir, "term_dump.erl"), [binary]),
    {module, term_dump} = code:load_binary(term_dump, "term_dump.erl", Beam),
    Args = lists:join(" ", [quote(F) || F <- Files]),
    Out = os:cmd(quote(Dump) ++ " " ++ Args ++ "; echo \"exit=$?\""),
    case lists:suffix("exit=0\n", Out) of
        true -> ok;
        false -> io:format("dump binary failed: ~s~n", [Out]), halt(1)
    end,
    Bad = lists:filter(
            fun({F, Input}) ->
                    Expected = expected(F),
                    {ok, Actual} = file:read_file(F ++ ".actual"),
                    Same = Expected =:= Actual orelse
                        (is_error(Expected) andalso is_error(Actual)),
                    Same orelse io:format("MISMATCH ~s~n  input: ~p~n  otp:   ~ts~n  ours:  ~ts~n",
                                          [F, Input, Expected, Actual]),
                    not Same
            end, lists:zip(Files, Inputs)),
    io:format("~b passed, ~b failed~n", [length(Files) - length(Bad), length(Bad)]),
    halt(case Bad of [] -> 0; _ -> 1 end).

expected(F) ->
    %% file:consult/1 can crash (not return an error) on some invalid input.
    Text = case catch file:consult(F) of
               {ok, Terms} -> [["ok\n"], [[term_dump:dump(T), "\n"] || T <- Terms]];
               _ -> "error\n"
           end,
    unicode:characters_to_binary(Text).

is_error(<<"error\n", _/binary>>) -> true;
is_error(_) -> false.

quote(S) -> "'" ++ S ++ "'".
