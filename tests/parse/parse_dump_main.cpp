// SPDX-License-Identifier: Apache-2.0
// For each FILE argument, writes FILE.actual: "ok" and one structural dump per
// term (tests/parse/term_dump.h), or "error" and the error line, as read by the
// hand parser, or by the PEGTL reference grammar when built with
// RELUPKIT_DUMP_PEGTL (tests/grammar/CMakeLists.txt builds it both ways).
#include <cstdio>
#include <fstream>
#include <string>

#include "relupkit/parse/parser.h"
#include "term_dump.h"
#ifdef RELUPKIT_DUMP_PEGTL
#include "pegtl_parser.h"
#endif

int main(int argc, char** argv) {
  using namespace relupkit;
  for (int i = 1; i < argc; ++i) {
    std::string out;
    auto src = SourceBuffer::read_file(argv[i]);
    if (!src.ok()) {
      std::fprintf(stderr, "%s: %s\n", argv[i], src.error().message.c_str());
      return 2;
    }
    SourceBuffer copy(src->name(), src->text());
#ifdef RELUPKIT_DUMP_PEGTL
    auto doc = grammar::parse_document(std::move(*src));
#else
    auto doc = parse::parse_document(std::move(*src));
#endif
    if (!doc.ok()) {
      out = "error\n" + parse::format_parse_error(copy, doc.error()) + "\n";
    } else {
      out = "ok\n";
      for (ast::TermRef t : (*doc)->terms) {
        test::dump(out, **doc, t);
        out += '\n';
      }
    }
    std::ofstream(std::string(argv[i]) + ".actual", std::ios::binary) << out;
  }
  return 0;
}
