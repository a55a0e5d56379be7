#include "load/llm/stream_event.h"

#include <rapidjson/reader.h>

#include <array>
#include <cassert>

namespace ragscale::load::llm {
namespace {

// A rapidjson input stream over a bounded byte range (the event data is not NUL-terminated).
struct BoundedStream {
  using Ch = char;
  const char* begin;
  const char* current;
  const char* end;
  Ch Peek() const { return current < end ? *current : '\0'; }
  Ch Take() { return current < end ? *current++ : '\0'; }
  size_t Tell() const { return static_cast<size_t>(current - begin); }
  Ch* PutBegin() { assert(false); return nullptr; }
  void Put(Ch) { assert(false); }
  void Flush() {}
  size_t PutEnd(Ch*) { assert(false); return 0; }
};

enum class Field : uint8_t { kNone, kOther, kChoices, kDelta, kContent, kReasoning, kText, kToken, kUsage, kCompletionTokens };

Field key_of(std::string_view key) {
  switch (key.size()) {
    case 4: return key == "text" ? Field::kText : Field::kOther;
    case 5: return key == "delta" ? Field::kDelta : key == "token" ? Field::kToken : key == "usage" ? Field::kUsage : Field::kOther;
    case 7:
      return key == "choices" ? Field::kChoices : key == "content" ? Field::kContent : Field::kOther;
    case 17:
      return key == "reasoning_content" ? Field::kReasoning
             : key == "completion_tokens" ? Field::kCompletionTokens
                                          : Field::kOther;
    default: return Field::kOther;
  }
}

// Tracks the path from the root to the current value, only as deep as the shapes need.
class Handler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Handler> {
 public:
  explicit Handler(StreamEventInfo& info) : info_(info) {}

  bool StartObject() { return push(false); }
  bool EndObject(rapidjson::SizeType) { return pop(); }
  bool StartArray() {
    if (depth_ == 1 && frames_[0].key == Field::kChoices) info_.openai = true;
    return push(true);
  }
  bool EndArray(rapidjson::SizeType) { return pop(); }
  bool Key(const char* text, rapidjson::SizeType length, bool) {
    if (depth_ > 0 && depth_ <= kTracked) frames_[depth_ - 1].key = key_of({text, length});
    return true;
  }
  bool String(const char*, rapidjson::SizeType length, bool) {
    if (length > 0 && is_content_path()) info_.kind = StreamEventInfo::Kind::kContent;
    return true;
  }
  bool Uint(unsigned value) { return Uint64(value); }
  bool Int(int value) { return value >= 0 ? Uint64(static_cast<uint64_t>(value)) : true; }
  bool Int64(int64_t value) { return value >= 0 ? Uint64(static_cast<uint64_t>(value)) : true; }
  bool Uint64(uint64_t value) {
    if (depth_ == 2 && frames_[0].key == Field::kUsage && frames_[1].key == Field::kCompletionTokens) {
      info_.usage_tokens = value;
    }
    return true;
  }
  bool Default() { return true; }

 private:
  static constexpr int kTracked = 4;
  struct Frame {
    bool array = false;
    Field key = Field::kNone;
  };

  bool push(bool array) {
    if (depth_ < kTracked) frames_[depth_] = Frame{array, Field::kNone};
    ++depth_;
    return true;
  }
  bool pop() {
    --depth_;
    return true;
  }
  bool is_content_path() const {
    if (depth_ == 1 && !frames_[0].array) {
      const Field k = frames_[0].key;
      return k == Field::kText || k == Field::kToken || k == Field::kContent || k == Field::kDelta;
    }
    // choices[i].text
    if (depth_ == 3 && frames_[0].key == Field::kChoices && frames_[1].array && frames_[2].key == Field::kText) return true;
    // choices[i].delta.content / .reasoning_content
    return depth_ == 4 && frames_[0].key == Field::kChoices && frames_[1].array && frames_[2].key == Field::kDelta &&
           (frames_[3].key == Field::kContent || frames_[3].key == Field::kReasoning);
  }

  StreamEventInfo& info_;
  std::array<Frame, kTracked> frames_{};
  int depth_ = 0;
};

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

StreamEventInfo classify_stream_event(std::string_view name, std::string_view data) {
  StreamEventInfo info;
  if (!name.empty() && name != "message") {
    if (name == "token") {
      info.kind = StreamEventInfo::Kind::kContent;
      info.serve = true;
    } else if (name == "done") {
      info.kind = StreamEventInfo::Kind::kDone;
    }
    return info;
  }
  std::string_view trimmed = data;
  while (!trimmed.empty() && is_blank(trimmed.front())) trimmed.remove_prefix(1);
  while (!trimmed.empty() && is_blank(trimmed.back())) trimmed.remove_suffix(1);
  if (trimmed == "[DONE]") {
    info.kind = StreamEventInfo::Kind::kDone;
    return info;
  }
  if (trimmed.empty()) return info;
  if (trimmed.front() != '{') {
    info.kind = StreamEventInfo::Kind::kContent;  // a plain-text stream
    return info;
  }
  // One reader per thread: its internal stack is allocated once and reused.
  thread_local rapidjson::Reader reader;
  BoundedStream stream{trimmed.data(), trimmed.data(), trimmed.data() + trimmed.size()};
  Handler handler(info);
  reader.Parse<rapidjson::kParseStopWhenDoneFlag>(stream, handler);
  return info;
}

}  // namespace ragscale::load::llm
