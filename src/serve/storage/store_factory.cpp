#include "serve/storage/store_factory.h"

#include "serve/storage/postgres_document_store.h"
#include "serve/storage/sqlite_document_store.h"

namespace ragscale::serve {

std::unique_ptr<DocumentStore> open_document_store(const ServeConfig& config) {
  if (config.store.empty()) return std::make_unique<SqliteDocumentStore>(config.data_dir);
  PostgresStoreOptions options;
  options.connect.url = config.store;
  options.connect.connect_timeout = config.store_timeout;
  options.connect.statement_timeout = config.store_timeout;
  options.connections = config.store_connections;
  return std::make_unique<PostgresDocumentStore>(options);
}

}  // namespace ragscale::serve
