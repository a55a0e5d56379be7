// PostgresPool: at most N libpq connections shared by threads. A connection is opened
// when first needed, checked before each use (one the server closed while idle is
// reopened), and dropped when it breaks, so a restarted database is picked up again.
//
// Contract:
// - run(work) lends `work` a healthy connection; a thread waits for a free one at most
//   the statement timeout, then gets StoreUnavailable.
// - When the connection breaks under `work` and the work is idempotent (it read, or it
//   never reached COMMIT), run() retries it once on a fresh connection.
// - Thread-safe.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <type_traits>
#include <vector>

#include "serve/storage/postgres.h"
#include "serve/storage/store_unavailable.h"

namespace ragscale::serve::pg {

enum class Retry { kSafe, kNever };

class PostgresPool {
 public:
  PostgresPool(ConnectOptions options, size_t size);

  template <typename Work>
  auto run(Retry retry, Work&& work) -> decltype(work(std::declval<Connection&>())) {
    for (int attempt = 0;; ++attempt) {
      auto connection = acquire();
      try {
        if constexpr (std::is_void_v<decltype(work(*connection))>) {
          work(*connection);
          release(std::move(connection));
          return;
        } else {
          auto result = work(*connection);
          release(std::move(connection));
          return result;
        }
      } catch (const StoreUnavailable&) {
        release(std::move(connection));
        if (retry == Retry::kNever || attempt > 0) throw;
      } catch (...) {
        release(std::move(connection));
        throw;
      }
    }
  }

  const ConnectOptions& options() const { return options_; }

 private:
  std::unique_ptr<Connection> acquire();
  void release(std::unique_ptr<Connection> connection);

  ConnectOptions options_;
  size_t size_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Connection>> idle_;
  size_t lent_ = 0;
};

}  // namespace ragscale::serve::pg
