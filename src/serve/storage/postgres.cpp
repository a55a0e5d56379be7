#include "serve/storage/postgres.h"

#include <endian.h>
#include <poll.h>

#include <cstring>
#include <stdexcept>

#include "serve/storage/store_unavailable.h"

namespace ragscale::serve::pg {
namespace {

using Clock = std::chrono::steady_clock;

std::string trimmed_error(const char* message) {
  std::string text = message ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

std::string connect_hint(const std::string& reason) {
  if (reason.find("password") != std::string::npos || reason.find("authentication") != std::string::npos) {
    return " (check the user and password in the --store URL and the server's pg_hba.conf)";
  }
  if (reason.find("role") != std::string::npos && reason.find("does not exist") != std::string::npos) {
    return " (create that role on the server, e.g. createuser, or name an existing user in the --store URL)";
  }
  if (reason.find("does not exist") != std::string::npos) {
    return " (create the database, e.g. createdb, or name an existing one in the --store URL)";
  }
  return " (check that PostgreSQL is running and listening at the host and port of the --store URL)";
}

}  // namespace

std::string url_problem(const std::string& url) {
  if (url.rfind("postgres://", 0) != 0 && url.rfind("postgresql://", 0) != 0) {
    return "expected a URL starting with postgres:// (e.g. postgres://user@127.0.0.1:5432/ragscale), got \"" +
           redact_url(url) + "\"";
  }
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (!options) {
    std::string reason = error ? trimmed_error(error) : "out of memory";
    PQfreemem(error);
    return "not a valid PostgreSQL URL (" + reason + "), e.g. postgres://user@127.0.0.1:5432/ragscale";
  }
  PQconninfoFree(options);
  return "";
}

std::string redact_url(const std::string& url) {
  auto scheme = url.find("://");
  auto at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) return url;
  auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

PGconn* connect(const ConnectOptions& options) {
  // libpq counts connect_timeout in whole seconds and treats 1 as 2.
  auto seconds = std::max<int64_t>(2, (options.connect_timeout.count() + 999) / 1000);
  std::string timeout = std::to_string(seconds);
  // The server enforces the statement timeout too, so it stops work nobody waits for.
  std::string server_options = "-c statement_timeout=" + std::to_string(options.statement_timeout.count());
  const char* keys[] = {"dbname", "connect_timeout", "options", "application_name", nullptr};
  const char* values[] = {options.url.c_str(), timeout.c_str(), server_options.c_str(), "ragscale", nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, 1);
  if (!conn) throw StoreUnavailable("PostgreSQL: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string reason = trimmed_error(PQerrorMessage(conn));
    PQfinish(conn);
    throw StoreUnavailable("cannot connect to PostgreSQL at " + redact_url(options.url) + ": " + reason +
                           connect_hint(reason));
  }
  PQsetnonblocking(conn, 1);
  // libpq prints the server's notices and warnings to stderr; the service reports
  // failures through its own errors instead.
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  return conn;
}

std::string Result::text(int row, int column) const {
  return std::string(PQgetvalue(result_.get(), row, column),
                     static_cast<size_t>(PQgetlength(result_.get(), row, column)));
}

int64_t Result::integer(int row, int column) const {
  return std::strtoll(PQgetvalue(result_.get(), row, column), nullptr, 10);
}

double Result::number(int row, int column) const { return std::strtod(PQgetvalue(result_.get(), row, column), nullptr); }

int64_t Result::binary_int8(int row, int column) const {
  uint64_t raw = 0;
  std::memcpy(&raw, PQgetvalue(result_.get(), row, column), sizeof raw);
  return static_cast<int64_t>(be64toh(raw));
}

std::string_view Result::bytes(int row, int column) const {
  return {PQgetvalue(result_.get(), row, column), static_cast<size_t>(PQgetlength(result_.get(), row, column))};
}

int64_t Result::affected() const {
  const char* count = PQcmdTuples(result_.get());
  return count && *count ? std::strtoll(count, nullptr, 10) : 0;
}

Connection::Connection(const ConnectOptions& options) : options_(options), conn_(connect(options)) {}

Connection::~Connection() {
  if (conn_) PQfinish(conn_);
}

bool Connection::healthy() {
  if (broken_ || PQstatus(conn_) != CONNECTION_OK) return false;
  // An idle connection has nothing to read; something readable is the server's goodbye
  // (a restart, an administrator's termination), which PQconsumeInput turns into BAD.
  pollfd fd{PQsocket(conn_), POLLIN, 0};
  if (::poll(&fd, 1, 0) > 0) {
    if (!PQconsumeInput(conn_)) return false;
    while (PGnotify* notify = PQnotifies(conn_)) PQfreemem(notify);
  }
  return PQstatus(conn_) == CONNECTION_OK;
}

void Connection::reset() {
  PGconn* fresh = connect(options_);
  PQfinish(conn_);
  conn_ = fresh;
  broken_ = false;
}

void Connection::wait_for(short events, Clock::time_point deadline, const std::string& sql) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  pollfd fd{PQsocket(conn_), events, 0};
  int ready = left > 0 ? ::poll(&fd, 1, static_cast<int>(left)) : 0;
  if (ready == 0) {
    broken_ = true;  // a reply may still arrive for this statement; never reuse the connection
    throw StoreUnavailable("PostgreSQL did not answer within " + std::to_string(options_.statement_timeout.count()) +
                           " ms");
  }
  if (ready < 0 && errno != EINTR) {
    broken_ = true;
    throw StoreUnavailable(std::string("PostgreSQL connection: ") + std::strerror(errno));
  }
}

Result Connection::exec(const std::string& sql, const std::vector<Param>& params, bool binary_result) {
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  for (const auto& param : params) {
    values.push_back(param.value.data());
    lengths.push_back(static_cast<int>(param.value.size()));
    formats.push_back(param.binary ? 1 : 0);
  }
  bool sent = !broken_ && PQsendQueryParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr,
                                            values.data(), lengths.data(), formats.data(), binary_result ? 1 : 0);
  return finish(sql, sent);
}

void Connection::exec_script(const std::string& sql) { finish(sql, !broken_ && PQsendQuery(conn_, sql.c_str())); }

Result Connection::finish(const std::string& sql, bool sent) {
  if (!sent) {
    broken_ = true;
    throw StoreUnavailable("PostgreSQL connection lost: " + trimmed_error(PQerrorMessage(conn_)));
  }
  auto deadline = Clock::now() + options_.statement_timeout;
  int flushed;
  while ((flushed = PQflush(conn_)) == 1) wait_for(POLLOUT | POLLIN, deadline, sql);
  if (flushed < 0) {
    broken_ = true;
    throw StoreUnavailable("PostgreSQL connection lost: " + trimmed_error(PQerrorMessage(conn_)));
  }
  PGresult* last = nullptr;
  std::string failure;
  for (;;) {
    while (PQisBusy(conn_)) {
      wait_for(POLLIN, deadline, sql);
      if (!PQconsumeInput(conn_)) {
        if (last) PQclear(last);
        broken_ = true;
        throw StoreUnavailable("PostgreSQL connection lost: " + trimmed_error(PQerrorMessage(conn_)));
      }
    }
    PGresult* result = PQgetResult(conn_);
    if (!result) break;
    auto status = PQresultStatus(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && failure.empty()) {
      failure = trimmed_error(PQresultErrorMessage(result));
    }
    if (last) PQclear(last);
    last = result;
  }
  if (PQstatus(conn_) != CONNECTION_OK) {
    if (last) PQclear(last);
    broken_ = true;
    throw StoreUnavailable("PostgreSQL connection lost: " + (failure.empty() ? trimmed_error(PQerrorMessage(conn_)) : failure));
  }
  if (!failure.empty()) {
    if (last) PQclear(last);
    throw std::runtime_error("PostgreSQL: " + failure + " (in: " + sql.substr(0, 120) + ")");
  }
  return Result(last);
}

std::string int_array(const std::vector<int64_t>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(values[i]);
  }
  return out + "}";
}

std::vector<int64_t> parse_int_array(std::string_view text) {
  std::vector<int64_t> values;
  std::string number;
  for (char c : text) {
    if ((c >= '0' && c <= '9') || c == '-') {
      number.push_back(c);
    } else if (!number.empty()) {
      values.push_back(std::stoll(number));
      number.clear();
    }
  }
  if (!number.empty()) values.push_back(std::stoll(number));
  return values;
}

std::string text_array(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

}  // namespace ragscale::serve::pg
