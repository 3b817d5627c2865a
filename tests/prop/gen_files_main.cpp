// SPDX-License-Identifier: Apache-2.0
// relupkit_prop_gen COUNT DIR [SEED]: writes COUNT files of tests/prop/term_gen.h
// to DIR (DIR/N.config) with the generator's dump of each (DIR/N.config.gen,
// in tests/parse/term_dump.erl's format), so that check_generator.sh can hold
// the generator, which the properties trust as their oracle, to file:consult.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include "term_gen.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: relupkit_prop_gen COUNT DIR [SEED]\n";
    return 2;
  }
  const long count = std::strtol(argv[1], nullptr, 10);
  const std::string dir = argv[2];
  const uint64_t seed =
      argc > 3 ? std::strtoull(argv[3], nullptr, 10)
               : static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  std::cout << "relupkit_prop_gen: seed " << seed << "\n";
  const rc::Gen<relupkit::prop::Doc> gen = relupkit::prop::document();
  for (long i = 0; i < count; ++i) {
    const int size = static_cast<int>(i % 101);
    const relupkit::prop::Doc d = gen(rc::Random(seed + static_cast<uint64_t>(i)), size).value();
    const std::string path = dir + "/" + std::to_string(i) + ".config";
    std::ofstream(path, std::ios::binary) << d.text;
    std::ofstream out(path + ".gen", std::ios::binary);
    out << "ok\n";
    for (const auto& line : d.dumps)
      out << line << "\n";
    if (!out) {
      std::cerr << "relupkit_prop_gen: cannot write " << path << ".gen\n";
      return 1;
    }
  }
  return 0;
}
