// SPDX-License-Identifier: Apache-2.0
#pragma once
// Erlang term order and exact equality over the AST, as OTP 25's erts_cmp computes them.

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "relupkit/ast/atom_table.h"
#include "relupkit/ast/term.h"

namespace relupkit::ast {

/// How numbers compare.
enum class CompareMode : uint8_t {
  /// Erlang's `<`/`==`: integers and floats by value (`1 == 1.0`).
  Standard,
  /// Map-key order and `=:=`: every integer sorts before every float (`2 < 1.0`),
  /// so `1` and `1.0` are different. `0.0 =:= -0.0` holds, as in OTP 25.
  Exact,
};

/// One key/value pair of a map, as OTP holds it.
using MapEntry = std::pair<TermRef, TermRef>;

/// Compares terms in Erlang's term order and orders map pairs, caching the
/// sorted pairs of every map it has seen (so printing or comparing a whole
/// document sorts each map once).
///
/// Terms are compared by meaning, not by spelling: `"ab"`, `[97,98]` and
/// `[$a|"b"]` are equal, as are `[a|[b]]` and `[a,b]`; maps compare by size,
/// then keys in map-key order, then values (after "last key wins"). Nothing
/// recurses on the C stack in proportion to the depth of a term.
class TermComparator {
public:
  explicit TermComparator(const AtomTable& atoms);
  ~TermComparator();
  TermComparator(const TermComparator&) = delete;
  TermComparator& operator=(const TermComparator&) = delete;

  /// -1, 0 or 1 as `a` sorts before, equal to or after `b`: `number < atom <
  /// fun < tuple < map < [] < list < bitstring`.
  int compare(TermRef a, TermRef b, CompareMode mode = CompareMode::Standard);

  /// The pairs of `m` after "last key wins" (duplicates by `=:=`; the last
  /// pair's key and value are kept, as `maps:from_list/1` does), sorted in
  /// map-key order (CompareMode::Exact). The reference stays valid as long as
  /// the comparator.
  const std::vector<MapEntry>& sorted_entries(const MapTerm& m);

  /// The pairs of `m` in the order OTP 25's `maps:iterator/1` visits them,
  /// which is the order `~p` prints them in: map-key order for maps of at most
  /// 32 keys, the order of OTP's internal hash (its HAMT) for larger ones.
  ///
  /// A large map whose keys contain atoms or funs has no computable OTP order
  /// (erts hashes atoms by their index in the running VM's atom table); such a
  /// map comes back in map-key order.
  std::vector<MapEntry> iteration_order(const MapTerm& m);

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Compares two terms in Erlang's term order; returns -1, 0 or 1.
int compare_terms(const AtomTable& atoms,
                  TermRef a,
                  TermRef b,
                  CompareMode mode = CompareMode::Standard);

/// `A =:= B`.
bool exactly_equal(const AtomTable& atoms, TermRef a, TermRef b);

} // namespace relupkit::ast
