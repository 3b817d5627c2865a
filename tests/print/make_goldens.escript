#!/usr/bin/env escript
%% SPDX-License-Identifier: Apache-2.0
%%
%% Regenerates the printer goldens from goldens/terms.txt with this OTP:
%%   escript tests/print/make_goldens.escript
%% writes goldens/expected_tp.txt (io_lib:format("~tp.~n")) and
%% goldens/expected_p.txt (io_lib:format("~p.~n")), UTF-8. Never edit those by
%% hand.
main(_) ->
    Dir = filename:join(filename:dirname(escript:script_name()), "goldens"),
    {ok, Terms} = file:consult(filename:join(Dir, "terms.txt")),
    Write = fun(Name, Fmt) ->
                    Out = [unicode:characters_to_binary(io_lib:format(Fmt, [T])) || T <- Terms],
                    ok = file:write_file(filename:join(Dir, Name), Out)
            end,
    Write("expected_tp.txt", "~tp.~n"),
    Write("expected_p.txt", "~p.~n").
