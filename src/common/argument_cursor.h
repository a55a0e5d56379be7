// ArgumentCursor: walks a subcommand's arguments the way every ragscale command reads them:
// "--flag=value" carries its value inline; otherwise a flag that takes a value takes the
// next argument. Contract: flag() is the current argument without any "=value"; value()
// returns the inline value or consumes the next argument, and throws std::invalid_argument
// "ragscale COMMAND: FLAG: needs a value (see ragscale COMMAND --help)" when there is none.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace ragscale {

class ArgumentCursor {
 public:
  // argv[0] is the subcommand's name; the walk starts at argv[1].
  ArgumentCursor(int argc, char** argv, std::string_view command) : argc_(argc), argv_(argv), command_(command) {}

  // Moves to the next argument; false when there is none.
  bool next() {
    if (++index_ >= argc_) return false;
    flag_ = argv_[index_];
    has_inline_ = false;
    if (flag_.size() > 2 && flag_.substr(0, 2) == "--") {
      const size_t eq = flag_.find('=');
      if (eq != std::string_view::npos) {
        inline_value_ = flag_.substr(eq + 1);
        flag_ = flag_.substr(0, eq);
        has_inline_ = true;
      }
    }
    return true;
  }

  std::string_view flag() const { return flag_; }
  char* current() const { return argv_[index_]; }  // the argument as given, "=value" included

  std::string_view value() {
    if (has_inline_) return inline_value_;
    if (index_ + 1 >= argc_) {
      throw std::invalid_argument("ragscale " + std::string(command_) + ": " + std::string(flag_) +
                                  ": needs a value (see ragscale " + std::string(command_) + " --help)");
    }
    return argv_[++index_];
  }

 private:
  int argc_;
  char** argv_;
  std::string_view command_;
  int index_ = 0;
  std::string_view flag_;
  std::string_view inline_value_;
  bool has_inline_ = false;
};

}  // namespace ragscale
