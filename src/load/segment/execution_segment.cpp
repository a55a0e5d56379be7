#include "load/segment/execution_segment.h"

#include <algorithm>
#include <charconv>
#include <numeric>
#include <stdexcept>

namespace ragscale::load {

namespace {

constexpr int64_t kMaxDenominator = int64_t{1} << 31;

Fraction reduced(int64_t numerator, int64_t denominator) {
  int64_t divisor = std::gcd(numerator, denominator);
  if (divisor == 0) divisor = 1;
  return {numerator / divisor, denominator / divisor};
}

[[noreturn]] void bad(std::string_view flag, std::string_view text, const std::string& why) {
  throw std::invalid_argument(std::string(flag) + " '" + std::string(text) + "': " + why +
                              "; write I/N (the I-th of N equal parts, e.g. 0/4) or A:B with fractions, decimals or "
                              "percentages (e.g. 0:1/4, 0.25:0.5, 50%:100%)");
}

int64_t parse_integer(std::string_view text, std::string_view flag, std::string_view whole) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < 0) {
    bad(flag, whole, "'" + std::string(text) + "' is not a whole number");
  }
  return value;
}

// "1/4", "0.25", "25%", "0", "1".
Fraction parse_fraction(std::string_view text, std::string_view flag, std::string_view whole) {
  if (text.empty()) bad(flag, whole, "a bound is missing");
  if (text.back() == '%') {
    Fraction percent = parse_fraction(text.substr(0, text.size() - 1), flag, whole);
    if (percent.denominator > kMaxDenominator / 100) bad(flag, whole, "too many decimals");
    return reduced(percent.numerator, percent.denominator * 100);
  }
  if (size_t slash = text.find('/'); slash != std::string_view::npos) {
    int64_t numerator = parse_integer(text.substr(0, slash), flag, whole);
    int64_t denominator = parse_integer(text.substr(slash + 1), flag, whole);
    if (denominator == 0) bad(flag, whole, "a denominator is 0");
    if (denominator > kMaxDenominator) bad(flag, whole, "a denominator is above 2^31");
    return reduced(numerator, denominator);
  }
  if (size_t dot = text.find('.'); dot != std::string_view::npos) {
    std::string_view decimals = text.substr(dot + 1);
    if (decimals.size() > 9) bad(flag, whole, "more than 9 decimals");
    int64_t scale = 1;
    for (size_t i = 0; i < decimals.size(); ++i) scale *= 10;
    int64_t integer = dot == 0 ? 0 : parse_integer(text.substr(0, dot), flag, whole);
    int64_t fraction = decimals.empty() ? 0 : parse_integer(decimals, flag, whole);
    return reduced(integer * scale + fraction, scale);
  }
  return {parse_integer(text, flag, whole), 1};
}

constexpr uint64_t kMaxPeriod = 1'000'000;

// k's bits mirrored behind the binary point (its van der Corput value, scaled by 2^64).
uint64_t mirrored(uint64_t k) {
  k = ((k >> 1) & 0x5555555555555555ULL) | ((k & 0x5555555555555555ULL) << 1);
  k = ((k >> 2) & 0x3333333333333333ULL) | ((k & 0x3333333333333333ULL) << 2);
  k = ((k >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((k & 0x0F0F0F0F0F0F0F0FULL) << 4);
  return __builtin_bswap64(k);
}

}  // namespace

std::string Fraction::text() const {
  if (denominator == 1) return std::to_string(numerator);
  return std::to_string(numerator) + "/" + std::to_string(denominator);
}

ExecutionSegment::ExecutionSegment() : ExecutionSegment(Fraction{0, 1}, Fraction{1, 1}) {}

ExecutionSegment::ExecutionSegment(Fraction begin, Fraction end, uint64_t period)
    : begin_(reduced(begin.numerator, begin.denominator)), end_(reduced(end.numerator, end.denominator)) {
  if (!(begin_ < end_) || begin_ < Fraction{0, 1} || Fraction{1, 1} < end_) {
    throw std::invalid_argument("an execution segment needs 0 <= begin < end <= 1, not " + begin_.text() + ":" +
                                end_.text());
  }
  whole_ = begin_ == Fraction{0, 1} && end_ == Fraction{1, 1};
  const auto own_period = std::lcm(static_cast<uint64_t>(begin_.denominator), static_cast<uint64_t>(end_.denominator));
  period_ = period == 0 ? own_period : period;
  if (period_ % own_period != 0) {
    throw std::invalid_argument("the segment " + begin_.text() + ":" + end_.text() +
                                " does not fall on the segment sequence's cuts (common denominator " +
                                std::to_string(period_) + ")");
  }
  if (period_ > kMaxPeriod) {
    throw std::invalid_argument("the segments' common denominator is above 1,000,000; use coarser fractions");
  }
  // The slots 0..D-1 in the order of their mirrored bits: position q of that order is the
  // slot of the run's q/D. A segment takes the positions [begin*D, end*D): contiguous
  // positions are slots spread through the period (halves alternate, quarters go round).
  std::vector<uint64_t> order(period_);
  for (uint64_t slot = 0; slot < period_; ++slot) order[slot] = slot;
  std::sort(order.begin(), order.end(), [](uint64_t a, uint64_t b) { return mirrored(a) < mirrored(b); });
  const auto first = static_cast<uint64_t>(begin_.numerator) * (period_ / static_cast<uint64_t>(begin_.denominator));
  const auto last = static_cast<uint64_t>(end_.numerator) * (period_ / static_cast<uint64_t>(end_.denominator));
  own_slots_.assign(order.begin() + static_cast<std::ptrdiff_t>(first), order.begin() + static_cast<std::ptrdiff_t>(last));
  std::sort(own_slots_.begin(), own_slots_.end());
}

ExecutionSegment ExecutionSegment::parse(std::string_view text, std::string_view sequence, std::string_view flag) {
  Fraction begin;
  Fraction end;
  if (size_t colon = text.find(':'); colon != std::string_view::npos) {
    begin = parse_fraction(text.substr(0, colon), flag, text);
    end = parse_fraction(text.substr(colon + 1), flag, text);
    if (Fraction{1, 1} < end) bad(flag, text, "the end is above 1");
    if (!(begin < end)) bad(flag, text, "the start must be below the end");
  } else {
    size_t slash = text.find('/');
    if (slash == std::string_view::npos) bad(flag, text, "no '/' or ':'");
    int64_t index = parse_integer(text.substr(0, slash), flag, text);
    int64_t parts = parse_integer(text.substr(slash + 1), flag, text);
    if (parts == 0 || parts > static_cast<int64_t>(kMaxPeriod)) bad(flag, text, "N must be between 1 and 1,000,000");
    if (index >= parts) bad(flag, text, "I counts from 0, so it must be below N (e.g. 0/2 and 1/2)");
    begin = reduced(index, parts);
    end = reduced(index + 1, parts);
  }
  uint64_t period = 0;
  if (!sequence.empty()) {
    const std::vector<Fraction> cuts = parse_segment_sequence(sequence);
    period = 1;
    for (const Fraction& cut : cuts) {
      period = std::lcm(period, static_cast<uint64_t>(cut.denominator));
      if (period > kMaxPeriod) bad("--segment-sequence", sequence, "its common denominator is above 1,000,000");
    }
    const bool on_cuts = std::any_of(cuts.begin(), cuts.end(), [&](const Fraction& c) { return c == begin; }) &&
                         std::any_of(cuts.begin(), cuts.end(), [&](const Fraction& c) { return c == end; });
    if (!on_cuts) bad(flag, text, "it must start and end on cuts of --segment-sequence " + std::string(sequence));
  }
  try {
    return ExecutionSegment(begin, end, period);
  } catch (const std::invalid_argument& error) {
    throw std::invalid_argument(std::string(flag) + " '" + std::string(text) + "': " + error.what());
  }
}

std::vector<Fraction> parse_segment_sequence(std::string_view text, std::string_view flag) {
  std::vector<Fraction> cuts;
  size_t at = 0;
  while (at <= text.size()) {
    const size_t comma = std::min(text.find(',', at), text.size());
    cuts.push_back(parse_fraction(text.substr(at, comma - at), flag, text));
    at = comma + 1;
  }
  if (cuts.size() < 2 || !(cuts.front() == Fraction{0, 1}) || !(cuts.back() == Fraction{1, 1})) {
    bad(flag, text, "a sequence runs from 0 to 1, e.g. 0,1/4,1/2,1");
  }
  for (size_t i = 1; i < cuts.size(); ++i) {
    if (!(cuts[i - 1] < cuts[i])) bad(flag, text, "its cuts must go up, each once");
  }
  return cuts;
}

uint64_t ExecutionSegment::share(uint64_t count) const {
  if (whole_) return count;
  const uint64_t blocks = count / period_;
  const uint64_t rest = count % period_;
  return blocks * own_slots_.size() +
         static_cast<uint64_t>(std::lower_bound(own_slots_.begin(), own_slots_.end(), rest) - own_slots_.begin());
}

bool ExecutionSegment::owns(uint64_t k) const {
  if (whole_) return true;
  return std::binary_search(own_slots_.begin(), own_slots_.end(), k % period_);
}

uint64_t ExecutionSegment::nth_owned(uint64_t j) const {
  if (whole_) return j;
  return (j / own_slots_.size()) * period_ + own_slots_[j % own_slots_.size()];
}

std::string ExecutionSegment::describe() const {
  if (whole_) return "whole";
  // One of N equal parts: width 1/N, starting on a multiple of 1/N.
  const __int128 width_numerator =
      static_cast<__int128>(end_.numerator) * begin_.denominator - static_cast<__int128>(begin_.numerator) * end_.denominator;
  const __int128 width_denominator = static_cast<__int128>(begin_.denominator) * end_.denominator;
  if (width_numerator > 0 && width_denominator % width_numerator == 0) {
    const auto parts = static_cast<int64_t>(width_denominator / width_numerator);
    if (parts % begin_.denominator == 0) {
      return std::to_string(begin_.numerator * (parts / begin_.denominator)) + "/" + std::to_string(parts);
    }
  }
  return begin_.text() + ":" + end_.text();
}

}  // namespace ragscale::load
