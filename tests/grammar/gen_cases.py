#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generates the grammar's file:consult/1 cases from one list of inputs:

  consult_cases.txt     the inputs, separated by lines "=====", for the live
                        differential ctest (consult_cases.escript runs OTP);
  document_cases.inc    C++ rows {line, input, expected} for
                        grammar_document_test.cpp, where `expected` is what OTP
                        25 answered when this script ran: "error", or "ok" and
                        one tests/parse/term_dump.erl dump per term.

Inputs are bytes (Latin-1 files, invalid UTF-8, NUL and NBSP are in here), so
they are Python literals. Run after editing (needs erlc and erl):
    python3 tests/grammar/gen_cases.py
"""
import os
import subprocess
import tempfile

A = "a" * 255
ALPHA = "\u03b1" * 255

CASES = [
    # --- 6.1 terminator, whitespace, comments
    "a.", "a", "a.%x", "a. b.", "a.b.", "a.b", "{a}.{b}.", "{a}. {b}.", "a. .", ".", "a..", "a...",
    "", "%only", "  ", "\n\n%x\n", "a.\r\n", "a.\x00", "\x00a.", "a.\x7f", "a\x7f.",
    "\u00a0a.\u00a0", "a.\u00a0", "\u0085a.\u0085", "a.\t%c\n%d", "a % comment\n.",
    "[a, % one\n b % two\n].", "a.'b'.", "1.5.", "$..", "'a'.",
    # --- BOM, invalid UTF-8, illegal characters
    b"\xef\xbb\xbfa.", b"\xff.", b"a.\n\xff", b"%\xff\na.", b"\"\xed\xa0\x80\".",
    b"\"\xf4\x90\x80\x80\".", b"\"\xc0\x80\".", b"\xc3.",
    "\ufffe.", "\"\ufffe\".", "'\uffff'.", "%\ufffe\na.", "$\ufffe.",
    "\"\\^\ufffe\".", "$\\^\uffff.", "\"\\\ufffe\".",
    "\u03b1.", "a\u03b1.", "'\u03b1'.", "\"\u03b1\".", "\u00d7.", "\u00f7.", "a\u00d7.", "\u00bfa.",
    "\u20ac.", "[a\u3000].",
    # --- 6.2 atoms
    "a@b. ok_1@x. \u00e9t\u00e9. \u00dfa. \u00ffy. a\u00c9.", "\u00c9t\u00e9.", "_.", "_a.", "A.", "Ab.",
    "'hello world'. ''. 'a.b'. '\\x{3B1}'. 'a\nb'.",
    A + ".", A + "a.", "'" + ALPHA + "'.", "'" + ALPHA + "\u03b1'.",
    "'" + "\\n" * 255 + "'.", "'" + "\\n" * 256 + "'.", "\"" + A + "a\".",
    "[after].", "{cond, 'let'}.", "[maybe, else, true, false, undefined].",
    "begin.", "end.", "'end'.", "fun.", "'fun'.", "funny.", "ends.", "'a' 'b'.",
    "[and, andalso, band, bnot, bor, bsl, bsr, bxor, 'case', 'catch', 'div', 'if', 'not', 'of', 'or', 'orelse', 'receive', 'rem', 'try', 'when', 'xor'].",
    "or.", "xor.", "when.", "receive.",
    # --- 6.3 numbers
    "1_6#ff. 016#ff. 16#fF. 36#zz. 36#ZZ. 2#1010. 10#99. 16#f_f.",
    "2#.", "2#2.", "2#102.", "37#1.", "1#1.", "0#1.", "99999999999999999999#1.", "16#_1.", "16#1_.",
    "16#f__f.", "16#ffg.", "16#1.5.", "1__0.", "1_.", "_1.", "1_0.0_1. 1.0e1_0. 00.50. 007.",
    "1.0e_1.", "1._0.", "1.0_e1.", "1.0e+_1.", "1.0e309.", "1.0e-400.", "1.0e308.", "4.9e-324.",
    "1.e5.", "1e5.", ".5.", "1.0e.", "1.0e-.", "1.0E+5. 0.0e0. 2.0e+2. 1.5E-3.", "1.5e3x.",
    "18446744073709551616. -18446744073709551616. 9223372036854775807. -9223372036854775808.",
    "16#ffffffffffffffffffffffffffffffff.",
    # --- signs
    "-5. - 5. -(5). +(3). -16#ff. -$a. +$a. - $a. -0. -0.0. +0.0. -(((5))). (((-5))). {-(((5)))}.",
    "- %c\n 5.", "- -5.", "-(-5).", "-a.", "+a.", "-\"a\".", "-[].", "--5.", "++5.", "+ +5.",
    "-(5.", "-().", "[1 -5].", "[1, -5].", "-(+5).", "- (5) .", "-(5)(6).",
    # --- chars
    "$a. $ . $\n. $%. $\\%. $\\n. $\\s. $\\x41. $\\x{3b1}. $\\101. $\\^A. $\\\\. $'. $\". $\\e. $\\d. $\\z. $_. $\\^?. $\\^\\.",
    "$.", "$", "$\\", "$\\^", "$\\^.", "$\\x{}.", "$\\x{41.", "$\\x4.", "$\\x{41}}.", "$\u00a0.", "$\u03b1.",
    "$\\\n.", "$\\^\n.", "$ab.", "$$.",
    # --- 6.4 strings and escapes
    "\"abc\" \"def\". \"a\" \"\". \"\" \"\". \"a\" %c\n \"b\".",
    "\"\\1234\". \"\\x414\". \"\\18\". \"\\8\". \"\\X41\". \"\\777\". \"\\0\".",
    "\"\\b\\d\\e\\f\\n\\r\\s\\t\\v\\'\\\"\\\\\".", "\"\\^a\\^[\\^?\\^\\\\^\u03b1\".",
    "\"\\x4g\".", "\"\\x{D800}\".", "\"\\x{DFFF}\".", "\"\\x{110000}\".", "\"\\x{10FFFF}\".", "\"\\x{FFFE}\".",
    "\"\\x{FFFD}\".", "\"\\x{0000000041}\".", "\"\\x{fffffffffffffffffffffff}\".", "\"\\x{}\".",
    "\"\\x{ 41}\".", "\"\\x\".", "\"\\x4\".", "\"abc", "\"abc\\\"", "'abc", "\"a\nb\".", "\"a\\\nb\".",
    "\"\u00e9\u03b1\U0001F600\".", "'\\''. '\\\\'. '\"'.", "\"'\".",
    # --- 6.5 lists, tuples, maps
    "[]. [a,b]. [a|b]. [a,b|[c]]. {}. {a}. [a|\"bc\"]. \"\".", "[a|b|c].", "[a||b].", "[|a].",
    "[a,].", "{a,}.", "{,}.", "[a b].", "[a|].", "{a", "[a", "{a]", "[{]}", "(a).", "{(a)}.",
    "[(1)|(2)].", "((((a)))).", "(a", "(a)).", "().", "(a,b).",
    "#{}. #{1 => 2}. # {a => 1}. #{#{a=>1} => [1]}. #{a=>1,b=>#{}}.",
    "#{a := 1}.", "#{a => 1 , }.", "#{a}.", "#{a => }.", "#{a =>> 1}.", "#{a = > 1}.", "#r{}.",
    "#r.", "#{a=>1}#{b=>2}.", "# %c\n {a => 1}.", "#{<<1>>=><<2>>}.", "#{a=><<>>}.",
    # --- fun
    "fun a:b/1.", "fun a/1.", "fun a:b/256.", "fun a:b/255.", "fun 'a':'b'/16#3.", "fun a:b/$a.",
    "fun a : b / 1.", "fun %c\n a %c\n : b/ 1.", "fun fun:b/1.", "fun 'fun':'end'/0.",
    "fun (a):b/1.", "fun a:b/-1.", "fun a:b/1.0.", "fun a::b/1.", "fun a:b/=1.", "fun M:F/1.",
    "fun a:b/99999999999999999999.", "{fun a:b/0, (fun c:d/2)}.", "fun\u00a0a:b/1.",
    # --- 6.6 binaries
    "<<>>. <<1,2,3>>. <<\"abc\">>. <<\"a\" \"b\">>. <<$a, \"b\">>. <<1:16/little>>. <<1:3>>.",
    "<<2/signed-big>>. <<5:1/unit:8>>. <<1.5/float>>. <<\"a\"/utf16, 16#3b1/utf8, 97/utf32>>.",
    "<<\"ab\":16>>. <<\"\u03b1\"/utf8>>. <<256>>. <<-1>>. <<1:(8)>>. <<1:$a>>.",
    "<<(1+2)>>.", "<<X>>.", "<<\"ab\"/binary>>.", "<<1:1/bits>>.", "<<1.5>>.",
    "<<945:undefined/utf8>>.", "<<\"a\":undefined/utf8>>.", "<<\"\":undefined/utf8>>.",
    "<<1:undefined>>.", "<<945:undefined/utf8-unit:8>>.", "<<945:undefined/integer>>.",
    "<<<<1,2>>:all/binary>>.", "<<(<<1,2>>)/binary>>.", "<<<<1,2>>/binary>>.", "<<<<1,2>>:1/binary>>.",
    "<<1:all>>.", "<<1:'all'/binary>>.", "<<<<1>>:(all)/binary>>.", "<<\"\":all/utf8>>.",
    "<<1:(-8)>>.", "<<1:(+8)>>.", "<<1:(-0)>>.", "<<1:-0>>.", "<<1:+8>>.", "<<1:8.0>>.",
    "<<1/'little'>>.", "<<1/'unit':8>>.", "<<1/'unit:8'>>.", "<<1/unit:8>>.", "<<1:2/unit:16#4>>.",
    "<<1:2/unit:0>>.", "<<1:2/unit:256>>.", "<<1:2/unit:257>>.", "<<1/unit>>.", "<<1:8/little:8>>.",
    "<<-1>>. <<+1>>. <<-(1)>>. <<(-1)>>. <<-(((1)))>>. <<(-(1))>>. <<- 1:8>>.",
    "<<(- - 1)>>.", "<<- -1>>.", "<<-\"a\">>.", "<<(\"a\" \"b\")>>. <<(\"ab\"):16>>.",
    "<< (1) : (8) / (little) >>.", "<<1/integer-integer>>.", "<<1/big-little>>.", "<<1/foo>>.",
    "<<1/bnot>>.", "<<#{}>>.", "<<(#{})>>.", "<<[]>>.", "<<a>>.", "<<{}>>.", "<<fun a:b/1>>.",
    "<<1:fun a:b/1>>.", "<<1:(a)>>.", "<<1:\"a\">>.", "<<1:<<>>>>.",
    "<<<<1>>>>.", "<<<<>>>>.", "<<1>>>.", "<<<1>>.", "< <1>>.", "<<1> >.", "<<1,>>.", "<<,1>>.",
    "<<1:8/integer-little-signed-unit:1>>.", "<<1/little -1>>.", "<<1/=2>>.", "<<1:=2>>.",
    "<<1.0/float-little>>. <<1.0:32/float>>. <<1.0:16/float>>. <<1:64/float>>.",
    "<<1.0:8/float>>.", "<<1.0e300:32/float>>.", "<<\"\"/float>>.", "<<\"\"/binary>>.",
    "<<16#110000/utf8>>.", "<<-1/utf8>>.", "<<16#D800/utf8>>.", "<<\"a\"/utf32-little>>.",
    "<<1:1, 0:1, 1:6>>. <<1:7>>. <<7:3, <<1:3>>/bits>>.", "<<(<<1:3>>):2/bits>>. <<<<1:3>>:1/bitstring>>.",
    "<<(<<1,2,3>>):2/bytes>>.", "<<(<<1:3>>)/bytes>>.", "<<1:0>>. <<0:0/float>>.",
    "<<1:99999999999999999999>>.", "<<1:2/unit:99999999999999999999>>.",
    "<<945:undefined/big-utf16>>.", "<<945:undefined/utf8-little>>.", "<<945:(undefined)/utf32>>.",
    "<<\"abc\"/utf16-little>>. <<1:4/unit:2-little>>. <<-1:4/signed>>. <<1.5:16/float-little>>.",
    "<<1:12/little>>. <<16#abc:12/little-signed>>. <<-2:3/signed-little>>. <<1:1/unit:1-binary>>.",
    "<<$a:16/native>>. <<1.0/native-float>>. <<\"\\x{1F600}\"/utf16>>. <<\"\\x{1F600}\"/utf8>>.",
    "<<1:unit:8>>.", "<<1/unit:8-unit:8>>.", "<<1:8/unit:8-unit:16>>.", "<<1/signed-unsigned>>.",
    # --- 6.1 encoding
    b"%% coding: latin-1\n\xe9t\xe9.", b"%% coding: latin-1\n\xa0a.\xa0", b"%% coding: latin-1\na.\x85",
    b"\n%% coding: latin-1\n\xe9.", b"\n\n%% coding: latin-1\n\xe9.", b"%% -*- coding: latin-1 -*-\n\xe9.",
    b"%% coding: utf8\n\xe9.", b"%% coding: Latin-1\n\xe9.", b"%% coding= latin-1\n\xe9.",
    b"%% coding : latin-1\n\xe9.", b"%% coding:\tlatin-1\n\xe9.", b"a. %% coding: latin-1\n\xe9.",
    b"%% coding: foo\n%% coding: latin-1\n\xe9.", b"%% coding: latin-1-foo\n\xe9.",
    b"%% encoding: latin-1\n\xe9.", b"%% coding: latin-1\n\xef\xbb\xbf.", b"\"%coding: latin-1\". \xe9.",
    b"'coding: latin-1'. %\n\xe9.", b"%coding:latin-1\n\xe9.", b"%CODING: latin-1\n\xe9.",
    b"% xcoding: latin-1\n\xe9.", b"%% coding: latin_1\n\xe9.", b"%% coding: latin-1\r\n\xe9.",
    b"%% coding: utf-8\n%% coding: latin-1\n\xe9.", b"%% coding: utf-8x\n%% coding: latin-1\n\xe9.",
    b"%% coding: utf\n%% coding: latin-1\n\xe9.", b"%% coding: \n%% coding: latin-1\n\xe9.",
    b"%% coding\n%% coding: latin-1\n\xe9.", b"%% coding:\n%% coding: latin-1\n\xe9.",
    b"%% codin\n%% coding: latin-1\n\xe9.", b"a.\r%% coding: latin-1\n\xe9.",
    b"%% coding: latin-1\n'\xe9\xff'. \"\xe9\". $\xe9. [\xdfa, a\xc9]. \xc9.",
    b"%% coding: latin-1\n\"\\^\xe9\".", b"%% coding: latin-1\n$\xff. <<\"\xe9\"/utf8>>.",
    b"%% coding: latin-1\n\xd7.", b"%% coding: latin-1\n%\xff\n\xe9.", b"%% coding: utf-8\n\xc3\xa9.",
    b"%% coding: latin-1\n" + b"a" * 255 + b".", b"%% coding: latin-1\n'" + b"\xe9" * 256 + b"'.",
]

# epp reads 16 chunks of 32 bytes: a name ending at the end of the file counts
# only for files of at most 480 bytes.
def padded(n, nl=b""):
    head, tail = b"\xe9.", b"%% coding: latin-1" + nl
    return head + b" " * (n - len(head) - len(tail)) + tail

for n in (470, 480, 481, 500, 512, 513, 600):
    CASES.append(padded(n))
for n in (511, 512, 513):
    CASES.append(padded(n, b"\n"))


HERE = os.path.dirname(os.path.abspath(__file__))
DUMP_ERL = os.path.join(HERE, "..", "parse", "term_dump.erl")

RUNNER = r"""
-module(gen_cases_runner).
-export([main/1]).
main([Dir, N]) ->
    lists:foreach(
      fun(I) ->
              F = filename:join(Dir, integer_to_list(I)),
              Text = try file:consult(F) of
                         {ok, Terms} -> [["ok"], [["\n", term_dump:dump(T)] || T <- Terms]];
                         {error, _} -> "error"
                     catch _:_ -> "error"
                     end,
              io:format("~s~n", [binary:encode_hex(unicode:characters_to_binary(Text))])
      end, lists:seq(1, list_to_integer(N))),
    halt(0).
"""


def otp_results(inputs):
    with tempfile.TemporaryDirectory() as d:
        for i, data in enumerate(inputs, 1):
            with open(os.path.join(d, str(i)), "wb") as f:
                f.write(data)
        with open(os.path.join(d, "gen_cases_runner.erl"), "w") as f:
            f.write(RUNNER)
        subprocess.run(["erlc", "-o", d, DUMP_ERL, os.path.join(d, "gen_cases_runner.erl")],
                       check=True)
        out = subprocess.run(["erl", "-noshell", "-pa", d, "-run", "gen_cases_runner", "main", d,
                              str(len(inputs))], check=True, capture_output=True, text=True).stdout
    return [bytes.fromhex(line).decode("ascii") for line in out.split()]


def cxx_string(data):
    out = []
    for b in data:
        c = chr(b)
        if c == '"' or c == "\\":
            out.append("\\" + c)
        elif 32 <= b < 127:
            out.append(c)
        else:
            out.append("\\%03o" % b)
    return '"' + "".join(out) + '"'


inputs = [c if isinstance(c, bytes) else c.encode("utf-8") for c in CASES]
with open(os.path.join(HERE, "consult_cases.txt"), "wb") as f:
    f.write(b"\n=====\n".join(inputs))
results = otp_results(inputs)
assert len(results) == len(inputs)
with open(os.path.join(HERE, "document_cases.inc"), "w") as f:
    f.write("// SPDX-License-Identifier: Apache-2.0\n")
    f.write("// Generated by tests/grammar/gen_cases.py from OTP 25's file:consult/1; do not edit.\n")
    for data, expected in zip(inputs, results):
        f.write("row(%s, %s),\n" % (cxx_string(data), cxx_string(expected.encode("ascii"))))
print(f"{len(inputs)} cases")
