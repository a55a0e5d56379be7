// Thin RAII wrappers over libpq: a connection whose every statement has a client-side
// deadline, and a result. Statements run through libpq's asynchronous calls and poll(),
// so a database that stops answering costs at most the statement timeout, never a hang.
//
// Errors: StoreUnavailable when the server cannot be reached, the connection broke or the
// deadline passed (the connection is then unusable until reset()); std::runtime_error
// with the server's message for an SQL error on a healthy connection.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ragscale::serve::pg {

struct ConnectOptions {
  std::string url;  // postgres://user[:password]@host[:port]/database[?param=value]
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds statement_timeout{5000};
};

// Empty when `url` is a PostgreSQL URL libpq accepts; otherwise what is wrong with it.
std::string url_problem(const std::string& url);
// The URL without its password, for messages and logs.
std::string redact_url(const std::string& url);

// One statement parameter: text, or binary (bytea). A null pointer is SQL NULL.
struct Param {
  std::string value;
  bool binary = false;
};

class Result {
 public:
  explicit Result(PGresult* result) : result_(result, PQclear) {}
  int rows() const { return PQntuples(result_.get()); }
  bool is_null(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
  std::string text(int row, int column) const;
  int64_t integer(int row, int column) const;  // of a text-format result
  double number(int row, int column) const;
  // Binary-format results (exec(..., binary_result = true)).
  int64_t binary_int8(int row, int column) const;
  std::string_view bytes(int row, int column) const;
  // Rows changed by INSERT/UPDATE/DELETE.
  int64_t affected() const;

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> result_;
};

class Connection {
 public:
  explicit Connection(const ConnectOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Result exec(const std::string& sql, const std::vector<Param>& params = {}, bool binary_result = false);
  // Several statements separated by ';', no parameters.
  void exec_script(const std::string& sql);
  // False when the connection broke (also noticed while idle: the server closed it).
  bool healthy();
  // Reconnects with the original options; throws StoreUnavailable when it cannot.
  void reset();
  PGconn* handle() const { return conn_; }

 private:
  Result finish(const std::string& sql, bool sent);
  void wait_for(short events, std::chrono::steady_clock::time_point deadline, const std::string& sql);

  ConnectOptions options_;
  PGconn* conn_ = nullptr;
  bool broken_ = false;
};

// Opens a connection, or throws StoreUnavailable with libpq's reason and what to check.
PGconn* connect(const ConnectOptions& options);

// A bigint[] literal: {1,2,3}.
std::string int_array(const std::vector<int64_t>& values);
std::vector<int64_t> parse_int_array(std::string_view text);
// A text[] literal with every element quoted.
std::string text_array(const std::vector<std::string>& values);

}  // namespace ragscale::serve::pg
