// SPDX-License-Identifier: Apache-2.0
// The buffers that large inputs put on whole huge pages: the source, the arena's
// first chunks, the printer's arrays (detail::BigVector). What they hold must
// not depend on where it lives.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif
#include <vector>

#include "base/big_vector.h"
#include "base/huge_pages.h"
#include "relupkit/ast/arena.h"
#include "relupkit/parse/parser.h"
#include "relupkit/source/source.h"
#include "term_dump.h"

namespace {

using relupkit::SourceBuffer;
using relupkit::ast::Arena;
using relupkit::detail::BigVector;

struct Wide {
  uint64_t a = 7;
  uint32_t b = 9;
  uint32_t c = 0;
};

TEST(BigVector, KeepsItsValuesAcrossEveryGrowth) {
  BigVector<uint32_t> v;
  // 1.5 M values: malloc'd buffers, then mapped ones of 2, 4 and 8 MiB.
  const uint32_t n = 1'500'000;
  for (uint32_t i = 0; i < n; ++i) {
    v.push_back(i * 2654435761u);
    if (i == 1000 || i == 300'000 || i == n - 1) { // a malloc'd, then a mapped buffer
      for (uint32_t j = 0; j <= i; j += 997)
        ASSERT_EQ(v[j], j * 2654435761u) << "at size " << i + 1;
    }
  }
  EXPECT_EQ(v.size(), n);
  EXPECT_GE(v.capacity(), n);
  EXPECT_EQ(v.back(), (n - 1) * 2654435761u);
  for (uint32_t j = 0; j < n; ++j)
    ASSERT_EQ(v.data()[j], j * 2654435761u);
  v.clear();
  EXPECT_TRUE(v.empty());
  v.push_back(5);
  EXPECT_EQ(v[0], 5u);
}

TEST(BigVector, ResizeValueInitialisesAndReserveKeepsValues) {
  BigVector<Wide> v;
  v.resize(3);
  ASSERT_EQ(v.size(), 3u);
  v[1].c = 42;
  // Over kHugeFrom bytes (16 bytes a value): the buffer moves to a mapping.
  v.resize(100'000);
  ASSERT_EQ(v.size(), 100'000u);
  EXPECT_EQ(v[1].c, 42u);
  for (size_t i = 0; i < v.size(); i += 1111) {
    EXPECT_EQ(v[i].a, 7u);
    EXPECT_EQ(v[i].b, 9u);
  }
  EXPECT_EQ(v[99'999].a, 7u);
  v[99'999].a = 1;
  v.reserve(400'000);
  EXPECT_GE(v.capacity(), 400'000u);
  EXPECT_EQ(v.size(), 100'000u);
  EXPECT_EQ(v[99'999].a, 1u);
  EXPECT_EQ(v[1].c, 42u);
  v.resize(2); // shrinks
  EXPECT_EQ(v.size(), 2u);
  EXPECT_EQ(v[1].c, 42u);
}

TEST(HugePages, AllocationsAreAlignedWholePages) {
  const size_t page = relupkit::detail::kHugePageBytes;
  EXPECT_EQ(relupkit::detail::allocate_huge(0), nullptr);
  EXPECT_EQ(relupkit::detail::allocate_huge(page + 4096), nullptr); // not whole pages
  void* p = relupkit::detail::allocate_huge(2 * page);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % page, 0u);
  auto* c = static_cast<unsigned char*>(p);
  c[0] = 1;
  c[2 * page - 1] = 2;
  EXPECT_EQ(c[0] + c[2 * page - 1], 3);
  std::free(p);
}

TEST(HugePages, MappingsAreAlignedAndComeBackForTheSameSize) {
  const size_t page = relupkit::detail::kHugePageBytes;
  EXPECT_EQ(relupkit::detail::map_huge_pages(0), nullptr);
  EXPECT_EQ(relupkit::detail::map_huge_pages(page + 4096), nullptr);
  void* a = relupkit::detail::map_huge_pages(2 * page);
#if defined(__linux__)
  ASSERT_NE(a, nullptr);
#endif
  if (a == nullptr)
    GTEST_SKIP() << "no mappings here";
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a) % page, 0u);
  static_cast<char*>(a)[2 * page - 1] = 'a';
  relupkit::detail::unmap_huge_pages(a, 2 * page);
  // The freed mapping is kept for the next one of its size (not of another).
  void* b = relupkit::detail::map_huge_pages(3 * page);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(b, a);
  void* c = relupkit::detail::map_huge_pages(2 * page);
  EXPECT_EQ(c, a);
  static_cast<char*>(c)[0] = 'c';
  static_cast<char*>(b)[3 * page - 1] = 'b';
  EXPECT_EQ(static_cast<char*>(c)[0], 'c');
  relupkit::detail::unmap_huge_pages(b, 3 * page);
  relupkit::detail::unmap_huge_pages(c, 2 * page);
  // Past the cache's bounds, mappings are simply unmapped; all stay usable.
  std::vector<void*> many;
  for (int i = 0; i < 40; ++i) {
    many.push_back(relupkit::detail::map_huge_pages(2 * page));
    ASSERT_NE(many.back(), nullptr);
    static_cast<char*>(many.back())[i] = 'x';
  }
  for (void* p : many)
    relupkit::detail::unmap_huge_pages(p, 2 * page);
  EXPECT_GT(relupkit::detail::cached_mapping_bytes(), 0u);
  EXPECT_LE(relupkit::detail::cached_mapping_bytes(), size_t(64) << 20);
  Arena::release_cached_chunks();
  EXPECT_EQ(relupkit::detail::cached_mapping_bytes(), 0u);
  // A freed arena's huge chunks are kept; release_cached_chunks() drops them.
  {
    Arena arena;
    arena.expect(Arena::kExpectLarge);
    arena.allocate(100, 8);
  }
  EXPECT_EQ(relupkit::detail::cached_mapping_bytes(), page); // its one 2 MiB chunk
  Arena::release_cached_chunks();
  EXPECT_EQ(relupkit::detail::cached_mapping_bytes(), 0u);
}

#if defined(__linux__)
/// How many of the 4 KiB pages of the page-aligned `p`, `bytes` long, are resident.
size_t resident_pages(const void* p, size_t bytes) {
  std::vector<unsigned char> in(bytes / 4096);
  if (mincore(const_cast<void*>(p), bytes, in.data()) != 0)
    return SIZE_MAX;
  size_t n = 0;
  for (unsigned char c : in)
    n += c & 1u;
  return n;
}

TEST(HugePages, PopulateFaultsInTheWholePagesOfARange) {
  const size_t bytes = size_t(1) << 20;
  void* m = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(m, MAP_FAILED);
  madvise(m, bytes, MADV_NOHUGEPAGE); // (so that residency is counted in 4 KiB pages)
  auto* c = static_cast<char*>(m);
  // Kernels before 5.14 have no MADV_POPULATE_WRITE: populate() is then advice
  // that does nothing, which is what it promises there.
  if (madvise(c + bytes - 4096, 4096, 23) != 0)
    GTEST_SKIP() << "no MADV_POPULATE_WRITE on this kernel";
  ASSERT_EQ(resident_pages(c, bytes), 1u);
  // Below 64 KiB it leaves the range alone.
  relupkit::detail::populate(c, 60 * 1024);
  EXPECT_EQ(resident_pages(c, bytes), 1u);
  // Otherwise every whole page inside the range, and only those: the range
  // starts 100 bytes into page 1 and ends 100 bytes into page 40.
  relupkit::detail::populate(c + 4096 + 100, 39 * 4096);
  std::vector<unsigned char> in(bytes / 4096);
  ASSERT_EQ(mincore(c, bytes, in.data()), 0);
  for (size_t i = 0; i < in.size(); ++i)
    EXPECT_EQ(in[i] & 1u, (i >= 2 && i < 40) || i == in.size() - 1 ? 1u : 0u) << "page " << i;
  // What it faulted in reads as zeros and takes writes.
  for (size_t i = 2 * 4096; i < 40 * 4096; i += 512)
    ASSERT_EQ(c[i], 0);
  c[5 * 4096] = 'x';
  EXPECT_EQ(c[5 * 4096], 'x');
  munmap(m, bytes);
}
#endif

TEST(Arena, ExpectStartsLargeInputsAtAHugePage) {
  Arena small;
  small.allocate(16, 8);
  EXPECT_EQ(small.reserved_bytes(), size_t(64) << 10);

  Arena hinted_small;
  hinted_small.expect(Arena::kExpectLarge - 1);
  hinted_small.allocate(16, 8);
  EXPECT_EQ(hinted_small.reserved_bytes(), size_t(64) << 10);

  Arena large;
  large.expect(Arena::kExpectLarge);
  auto* a = static_cast<char*>(large.allocate(16, 8));
  EXPECT_EQ(large.reserved_bytes(), size_t(2) << 20);
  // The chunks go on doubling from there, and keep what was written.
  a[0] = 'x';
  for (int i = 0; i < 300; ++i)
    large.allocate(16 << 10, 16);
  EXPECT_EQ(a[0], 'x');
  EXPECT_EQ(large.reserved_bytes(), (size_t(2) + 4) << 20);
  large.expect(1); // never smaller
  large.allocate(8 << 20, 16);
  EXPECT_GE(large.reserved_bytes(), (size_t(2) + 4 + 8) << 20);
}

std::string big_text(size_t bytes) {
  std::string s;
  s.reserve(bytes + 64);
  uint32_t x = 12345;
  while (s.size() < bytes) {
    x = x * 1103515245u + 12345u;
    s.push_back(static_cast<char>('a' + (x >> 16) % 26));
  }
  return s;
}

void expect_padded_copy(const SourceBuffer& src, const std::string& text) {
  ASSERT_EQ(src.size(), text.size());
  EXPECT_TRUE(src.text() == text);
  for (size_t i = 0; i < SourceBuffer::kPadding; ++i)
    ASSERT_EQ(src.data()[text.size() + i], '\0') << "padding byte " << i;
}

TEST(SourceBuffer, LargeTextsAreCopiedWholeWithTheirPadding) {
  // Below and above the size from which the buffer is whole huge pages, and
  // one whose padding crosses a 2 MiB boundary.
  for (const size_t bytes : {size_t(1000), (size_t(4) << 20) - 100, (size_t(4) << 20),
                             (size_t(6) << 20) - 30, (size_t(9) << 20) + 12345}) {
    const std::string text = big_text(bytes);
    SourceBuffer src("t", text);
    expect_padded_copy(src, text);
    SourceBuffer moved = std::move(src);
    expect_padded_copy(moved, text);
    moved.release();
    EXPECT_EQ(moved.size(), 0u);
  }
}

TEST(SourceBuffer, ReadsLargeFilesWhole) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("relupkit_memory_test_" + std::to_string(getpid())))
                               .string();
  for (const size_t bytes : {(size_t(4) << 20) + 1, (size_t(5) << 20) + 777}) {
    const std::string text = big_text(bytes);
    FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(std::fwrite(text.data(), 1, text.size(), f), text.size());
    std::fclose(f);
    auto r = SourceBuffer::read_file(path);
    ASSERT_TRUE(r.ok());
    expect_padded_copy(*r, text);
  }
  std::remove(path.c_str());
}

TEST(SourceBuffer, LargeDocumentsParseAsSmallOnesDo) {
  // The same terms, once alone and once after 5 MiB of comment: the large
  // input goes through the huge-page source, arena and atom records.
  const std::string terms = "{app_a,[m1,m2,'Q q',\"s\"],-12,3.5e0}.\n{m2,m1}.\n";
  const std::string large = "%" + big_text(size_t(5) << 20) + "\n" + terms;
  relupkit::ast::Document small_doc;
  small_doc.source = SourceBuffer("small", terms);
  ASSERT_TRUE(relupkit::parse::parse_into(small_doc, {}).ok());
  relupkit::ast::Document large_doc;
  large_doc.source = SourceBuffer("large", large);
  ASSERT_TRUE(relupkit::parse::parse_into(large_doc, {}).ok());
  ASSERT_EQ(large_doc.terms.size(), 2u);
  ASSERT_EQ(small_doc.terms.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    std::string a, b;
    relupkit::test::dump(a, small_doc, small_doc.terms[i]);
    relupkit::test::dump(b, large_doc, large_doc.terms[i]);
    EXPECT_EQ(a, b);
    EXPECT_EQ(large_doc.terms[i].span().begin - small_doc.terms[i].span().begin,
              large.size() - terms.size());
  }
  EXPECT_EQ(large_doc.atoms.size(), small_doc.atoms.size());
  for (uint32_t id = 0; id < small_doc.atoms.size(); ++id)
    EXPECT_EQ(large_doc.atoms.text({id}), small_doc.atoms.text({id}));
  EXPECT_GE(large_doc.arena.reserved_bytes(), size_t(2) << 20);
  EXPECT_LT(small_doc.arena.reserved_bytes(), size_t(1) << 20);
}

} // namespace
