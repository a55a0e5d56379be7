#include "serve/storage/postgres_pool.h"


namespace ragscale::serve::pg {

PostgresPool::PostgresPool(ConnectOptions options, size_t size) : options_(std::move(options)), size_(size ? size : 1) {}

std::unique_ptr<Connection> PostgresPool::acquire() {
  std::unique_ptr<Connection> connection;
  {
    std::unique_lock lock(mutex_);
    bool free = freed_.wait_for(lock, options_.statement_timeout,
                                [this] { return !idle_.empty() || lent_ < size_; });
    if (!free) {
      throw StoreUnavailable("all " + std::to_string(size_) +
                             " PostgreSQL connections stayed busy (raise --store-connections)");
    }
    ++lent_;
    if (!idle_.empty()) {
      connection = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  try {
    if (!connection) return std::make_unique<Connection>(options_);
    if (!connection->healthy()) connection->reset();
    return connection;
  } catch (...) {
    std::lock_guard lock(mutex_);
    --lent_;
    freed_.notify_one();
    throw;
  }
}

void PostgresPool::release(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mutex_);
  --lent_;
  // A broken connection, or one left inside a transaction, is dropped; the next
  // borrower opens a fresh one.
  if (connection && connection->healthy() && PQtransactionStatus(connection->handle()) == PQTRANS_IDLE) {
    idle_.push_back(std::move(connection));
  }
  freed_.notify_one();
}

}  // namespace ragscale::serve::pg
