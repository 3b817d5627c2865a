// SPDX-License-Identifier: Apache-2.0
#pragma once
// A printer-independent structural dump of terms, for parser tests: the same
// text the Erlang side (tests/parse/term_dump.erl) writes for file:consult's result.
//
//   atom      A(c1,c2,...)           code points
//   integer   decimal
//   float     F(%.17e)
//   list      [e1,e2|tail] with string cells expanded to integers, proper lists end "|[]"
//   tuple     {e1,e2}
//   map       #{k=>v,...} pairs in source order after "last key wins" is NOT applied
//   binary    <<b1,b2,...:bits>>
//   fun       fun(A(..),A(..),arity)

#include <cstdio>
#include <string>

#include "relupkit/ast/bigint.h"
#include "relupkit/ast/term.h"

namespace relupkit::test {

inline void dump_codepoints(std::string& out, std::string_view utf8) {
  const auto* s = reinterpret_cast<const unsigned char*>(utf8.data());
  size_t i = 0;
  bool first = true;
  while (i < utf8.size()) {
    uint32_t c = s[i];
    int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (len > 1) {
      c &= len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07;
      for (int k = 1; k < len; ++k)
        c = (c << 6) | (s[i + static_cast<size_t>(k)] & 0x3F);
    }
    i += static_cast<size_t>(len);
    if (!first)
      out += ',';
    first = false;
    out += std::to_string(c);
  }
}

inline void dump(std::string& out, const ast::Document& doc, ast::TermRef t) {
  using namespace ast;
  switch (t.kind()) {
    case TermKind::Atom:
      out += "A(";
      dump_codepoints(out, doc.atoms.text(t.atom()));
      out += ')';
      return;
    case TermKind::Integer:
      append_integer(out, *t.cast<IntegerTerm>());
      return;
    case TermKind::Float: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "F(%.17e)", t.cast<FloatTerm>()->value);
      out += buf;
      return;
    }
    case TermKind::String:
    case TermKind::List: {
      // Flatten cons cells: elements of lists and strings along the tail chain.
      out += '[';
      bool first = true;
      TermRef cur = t;
      for (;;) {
        if (const auto* s = cur.dyn_cast<StringTerm>()) {
          std::string cps;
          dump_codepoints(cps, s->text());
          if (!cps.empty()) {
            if (!first)
              out += ',';
            out += cps;
            first = false;
          }
          cur = nullptr;
          break;
        }
        if (const auto* l = cur.dyn_cast<ListTerm>()) {
          for (uint32_t i = 0; i < l->size; ++i) {
            if (!first)
              out += ',';
            first = false;
            dump(out, doc, l->elems()[i]);
          }
          if (!l->tail) {
            cur = nullptr;
            break;
          }
          cur = l->tail;
          continue;
        }
        break;
      }
      if (cur != nullptr) {
        out += '|';
        dump(out, doc, cur);
      }
      out += ']';
      return;
    }
    case TermKind::Tuple: {
      const auto* tu = t.cast<TupleTerm>();
      out += '{';
      for (uint32_t i = 0; i < tu->size; ++i) {
        if (i)
          out += ',';
        dump(out, doc, tu->elems()[i]);
      }
      out += '}';
      return;
    }
    case TermKind::Map: {
      const auto* m = t.cast<MapTerm>();
      out += "#{";
      for (uint32_t i = 0; i < m->size; ++i) {
        if (i)
          out += ',';
        dump(out, doc, m->kv()[2 * i]);
        out += "=>";
        dump(out, doc, m->kv()[2 * i + 1]);
      }
      out += '}';
      return;
    }
    case TermKind::Binary: {
      const auto* b = t.cast<BinaryTerm>();
      out += "<<";
      for (uint64_t i = 0; i < (b->bits + 7) / 8; ++i) {
        if (i)
          out += ',';
        out += std::to_string(b->data[i]);
      }
      out += ':';
      out += std::to_string(b->bits);
      out += ">>";
      return;
    }
    case TermKind::Fun: {
      const auto* f = t.cast<FunTerm>();
      out += "fun(A(";
      dump_codepoints(out, doc.atoms.text(f->module));
      out += "),A(";
      dump_codepoints(out, doc.atoms.text(f->function));
      out += "),";
      out += std::to_string(f->arity);
      out += ')';
      return;
    }
  }
}

} // namespace relupkit::test
