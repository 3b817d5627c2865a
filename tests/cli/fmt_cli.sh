#!/usr/bin/env bash
# End-to-end checks of `relupkit fmt`: output, --check, -o, -i, exit codes,
# error lines, and that bad input leaves every file untouched.
set -u
RK=$1
WORK=$2
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 2
passed=0
failed=0
check() { # NAME CONDITION...
  local name=$1
  shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $name"; fi
}

cat > messy.relup <<'END'
%% coding: utf-8
%% a comment
{"2.0.0",[{"1.0.0",[],[point_of_no_return]}],
 [{"1.0.0", [], [point_of_no_return]}]}.
END
# What io_lib:format("~tp.~n") writes for that term (it does not fit in 80 columns).
expected='%% coding: utf-8
{"2.0.0",
 [{"1.0.0",[],[point_of_no_return]}],
 [{"1.0.0",[],[point_of_no_return]}]}.'

# The coding line epp reads may be the second, after an Emacs mode line: it
# is kept, as the first line; the mode line is a comment, and goes.
printf '%%%% -*- mode: erlang -*-\n%%%% coding: utf-8\n{a}.\n' > line2.config
out=$("$RK" fmt line2.config); rc=$?
check "a coding line on the second line is kept, first" test "$out" = $'%% coding: utf-8\n{a}.' -a $rc -eq 0

out=$("$RK" fmt messy.relup); rc=$?
check "fmt prints canonical text" test "$out" = "$expected"
check "fmt exits 0" test $rc -eq 0

"$RK" fmt --check messy.relup 2>check.err; rc=$?
check "--check exits 1 on a file that would change" test $rc -eq 1
check "--check names the file" grep -q "messy.relup" check.err

"$RK" fmt messy.relup -o clean.relup; rc=$?
check "-o exits 0" test $rc -eq 0
check "-o writes the canonical text" test "$(cat clean.relup)" = "$expected"
"$RK" fmt --check clean.relup; rc=$?
check "--check exits 0 on canonical text" test $rc -eq 0

cp messy.relup inplace.relup
"$RK" fmt -i inplace.relup; rc=$?
check "-i exits 0" test $rc -eq 0
check "-i rewrites the file" cmp -s inplace.relup clean.relup
check "-i leaves no temporary file" test -z "$(ls -A | grep relupkit- || true)"

printf '{"1",\n  [a,\n   {b, c]}.\n' > bad.appup
cp bad.appup bad.orig
"$RK" fmt -i bad.appup 2>bad.err; rc=$?
check "bad input exits 2" test $rc -eq 2
check "bad input error has FILE:LINE:COL" grep -q '^bad.appup:3:9: error: ' bad.err
check "bad input is one line" test "$(wc -l < bad.err)" -eq 1
check "bad input is left untouched" cmp -s bad.appup bad.orig
out=$("$RK" fmt bad.appup 2>/dev/null); rc=$?
check "bad input prints nothing" test -z "$out"

"$RK" fmt missing.relup 2>missing.err; rc=$?
check "missing file exits 2" test $rc -eq 2
check "missing file error names the file once" grep -qx 'missing.relup: error: cannot open: No such file or directory' missing.err
mkdir -p adir
"$RK" fmt adir 2>dir.err; rc=$?
check "a directory exits 2" test $rc -eq 2
check "a directory is reported as one" grep -qx 'adir: error: cannot read: it is a directory' dir.err
out=$(printf '{a,\n b}.\n' | "$RK" fmt -); rc=$?
check "standard input is read with -" test "$out" = "{a,b}." -a $rc -eq 0
cp messy.relup real.relup && ln -sf real.relup link.relup
"$RK" fmt -i link.relup; rc=$?
check "-i through a symbolic link exits 0" test $rc -eq 0
check "-i keeps the symbolic link" test -L link.relup
check "-i rewrites the link's target" cmp -s real.relup clean.relup
echo 'a.' | "$RK" fmt -i - 2>/dev/null; rc=$?
check "-i refuses standard input" test $rc -eq 2 -a ! -e ./-
"$RK" fmt --bogus messy.relup 2>/dev/null; rc=$?
check "bad usage exits 2" test $rc -eq 2
"$RK" --version | grep -q '^relupkit '; rc=$?
check "--version" test $rc -eq 0
"$RK" fmt --help | grep -q -- '--check'; rc=$?
check "fmt --help lists --check" test $rc -eq 0

: > empty.erl
out=$("$RK" fmt empty.erl); rc=$?
check "empty file is accepted" test $rc -eq 0 -a -z "$out"

# 300,000 nested pairs: OTP's layout would be 45 GB; relupkit refuses.
{ for ((i = 0; i < 300000; i++)); do printf '{a,'; done; printf '1'
  for ((i = 0; i < 300000; i++)); do printf '}'; done; printf '.\n'; } > deep.erl
out=$("$RK" fmt deep.erl 2>deep.err); rc=$?
check "a quadratic layout exits 2" test $rc -eq 2
check "a quadratic layout prints nothing" test -z "$out"
check "a quadratic layout is explained" grep -q '^deep.erl: error: the canonical layout would exceed' deep.err
# A small file (printed whole to standard output) with a layout over 64 MiB.
{ for ((i = 0; i < 20000; i++)); do printf '{a,'; done; printf '1'
  for ((i = 0; i < 20000; i++)); do printf '}'; done; printf '.\n'; } > deep_small.erl
out=$("$RK" fmt deep_small.erl 2>deep_small.err); rc=$?
check "a small file's quadratic layout exits 2 and prints nothing" test $rc -eq 2 -a -z "$out"
check "a small file's quadratic layout is explained" grep -q '^deep_small.erl: error: the canonical layout would exceed' deep_small.err

"$RK" fmt --check deep.erl 2>/dev/null; rc=$?
check "--check on a quadratic layout exits 2" test $rc -eq 2
cp deep.erl deep.orig
"$RK" fmt -i deep.erl 2>/dev/null; rc=$?
check "-i on a quadratic layout exits 2" test $rc -eq 2
check "-i on a quadratic layout leaves the file" cmp -s deep.erl deep.orig
"$RK" fmt deep.erl -o deep.out 2>/dev/null; rc=$?
check "-o on a quadratic layout exits 2 and writes nothing" test $rc -eq 2 -a ! -e deep.out
check "no temporary file is left behind" test -z "$(ls -A | grep relupkit- || true)"

# --check, -i and -o pass the output on in pieces (256 KiB) as it is made:
# a file of many pieces, canonical, then with a change in its last piece, and
# with only a trailing comment (the canonical text is then a prefix of the file).
{ printf '%%%% coding: utf-8\n['
  for ((i = 0; i < 60000; i++)); do printf '{load_module,mod_%d,brutal_purge,brutal_purge,[]},' $i; done
  printf 'point_of_no_return].\n'; } > big.in
"$RK" fmt big.in -o big.relup; rc=$?
check "-o on a large file exits 0" test $rc -eq 0
check "-o on a large file writes what stdout prints" cmp -s big.relup <("$RK" fmt big.in)
check "the large file is over a megabyte" test "$(stat -c %s big.relup)" -gt 1048576
"$RK" fmt --check big.relup; rc=$?
check "--check passes a large canonical file" test $rc -eq 0
ino=$(stat -c %i big.relup)
"$RK" fmt -i big.relup; rc=$?
check "-i leaves a large canonical file as it is (not rewritten)" test $rc -eq 0 -a "$(stat -c %i big.relup)" = "$ino"
sed '$ s/point_of_no_return]/point_of_no_return ]/' big.relup > big.late
"$RK" fmt --check big.late 2>/dev/null; rc=$?
check "--check sees a change in the last piece" test $rc -eq 1
cp big.relup big.comment && printf '%% the end\n' >> big.comment
"$RK" fmt --check big.comment 2>/dev/null; rc=$?
check "--check sees a dropped trailing comment" test $rc -eq 1
"$RK" fmt -i big.comment; rc=$?
check "-i on a large file with a trailing comment exits 0" test $rc -eq 0
check "-i drops a trailing comment of a large file" cmp -s big.comment big.relup
cp big.relup big.short && printf '{a,\n b}.\n' >> big.short
"$RK" fmt -i big.short; rc=$?
check "-i rewrites a large file changed at its end" test $rc -eq 0 -a "$(tail -n 1 big.short)" = '{a,b}.'
check "no temporary file is left behind" test -z "$(ls -A | grep relupkit- || true)"

# Standard input cannot be read twice: --check and -o on `-` compare with and
# write from the copy read, not the file (which relupkit frees after a parse).
"$RK" fmt --check - < big.relup; rc=$?
check "--check - passes a large canonical input" test $rc -eq 0
"$RK" fmt --check - < big.late 2>/dev/null; rc=$?
check "--check - sees a change in the last piece" test $rc -eq 1
"$RK" fmt - -o big.stdin < big.late; rc=$?
check "-o from standard input writes the canonical text" test $rc -eq 0 && check "-o from standard input equals -o from the file" cmp -s big.stdin big.relup

# Strings without escapes were read in place; once the source is freed the
# terms hold their own copies. A canonical file of many strings (a term a
# line) and its coding line print unchanged.
{ printf '%%%% coding: utf-8\n'
  for ((i = 0; i < 40000; i++)); do printf '{"s_%d","t\\n%d"}.\n' $i $i; done
  printf '"caf\303\251".\n'; } > strings.relup
out=$("$RK" fmt strings.relup | cmp - strings.relup 2>&1); rc=$?
check "a canonical file of strings prints as it is ($out)" test $rc -eq 0
"$RK" fmt --check strings.relup; rc=$?
check "--check passes a canonical file of strings" test $rc -eq 0
"$RK" fmt strings.relup -o strings.out; rc=$?
check "-o writes a file of strings as it is" test $rc -eq 0 && check "-o strings output" cmp -s strings.out strings.relup

echo "$passed passed, $failed failed"
test "$failed" -eq 0
