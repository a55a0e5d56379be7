// ExecutionSegment: the share of a whole run one generator executes, as k6's execution
// segments: the half-open interval [begin, end) of [0, 1), written "I/N" (the I-th of N equal
// parts) or "A:B" with A and B as fractions, decimals or percentages ("0:1/4", "0.5:1",
// "25%:50%").
//
// A run is made of numbered things: users (the u-th user to start), arrivals (the k-th
// iteration of the open model's schedule), iterations and data rows. Number k falls in slot
// k mod D, D the run's common denominator (the period: 2 for halves, 4 for quarters, 3 for
// 0:1/3 and 1/3:1), and the D slots are laid out on [0, 1) in the order of their mirrored
// bits (van der Corput), so the segment [A, B) owns exactly (B - A) * D slots of every D
// numbers, spread through them: halves alternate, quarters go round robin. Shares therefore
// add up exactly to the whole for any set of segments that partitions [0, 1) with one D,
// and who owns what depends only on D. I/N has D = N and A:B the common denominator of A
// and B; generators cut at other points share one --segment-sequence (0,1/4,1/2,1), whose
// common denominator they all use, as in k6.
//
// Contract: immutable, thread-safe. Fractions are exact (a period D of at most 1,000,000);
// parse() throws std::invalid_argument naming the mistake and the fix.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ragscale::load {

struct Fraction {
  int64_t numerator = 0;
  int64_t denominator = 1;

  bool operator==(const Fraction& other) const {
    return static_cast<__int128>(numerator) * other.denominator == static_cast<__int128>(other.numerator) * denominator;
  }
  bool operator<(const Fraction& other) const {
    return static_cast<__int128>(numerator) * other.denominator < static_cast<__int128>(other.numerator) * denominator;
  }
  double value() const { return static_cast<double>(numerator) / static_cast<double>(denominator); }
  std::string text() const;  // "1/4", "0", "1"
};

class ExecutionSegment {
 public:
  // The whole run, [0, 1).
  ExecutionSegment();
  // `period`: the run's common denominator D, a multiple of begin's and end's; 0 = theirs.
  ExecutionSegment(Fraction begin, Fraction end, uint64_t period = 0);

  // "I/N" or "A:B" (see above), with an optional sequence "0,1/4,1/2,1" (empty: implied).
  // `flag` names the option in error messages.
  static ExecutionSegment parse(std::string_view text, std::string_view sequence = {},
                                std::string_view flag = "--segment");

  Fraction begin() const { return begin_; }
  Fraction end() const { return end_; }
  double fraction() const { return end_.value() - begin_.value(); }
  bool is_whole() const { return whole_; }
  uint64_t period() const { return period_; }

  // How many of the numbers 0..count-1 this segment owns: its exact share of `count`.
  uint64_t share(uint64_t count) const;
  // Whether this segment owns number k.
  bool owns(uint64_t k) const;
  // The whole run's number of this segment's j-th own number (j from 0).
  uint64_t nth_owned(uint64_t j) const;
  // The first number after k that this segment owns.
  uint64_t next_owned_after(uint64_t k) const { return nth_owned(share(k + 1)); }

  bool overlaps(const ExecutionSegment& other) const { return begin_ < other.end_ && other.begin_ < end_; }

  // "2/4" when it is one of N equal parts, else "1/4:3/4"; "whole" for [0, 1).
  std::string describe() const;

 private:
  Fraction begin_;
  Fraction end_;
  bool whole_ = true;
  uint64_t period_ = 1;               // D
  std::vector<uint64_t> own_slots_;   // the k mod D this segment owns, ascending
};

// Parses "0,1/4,1/2,1" (fractions, decimals or percentages). Throws std::invalid_argument.
std::vector<Fraction> parse_segment_sequence(std::string_view text, std::string_view flag = "--segment-sequence");

}  // namespace ragscale::load
