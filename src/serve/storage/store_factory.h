// open_document_store: the DocumentStore that serve's settings name — PostgreSQL for a
// postgres:// URL in `store`, otherwise SQLite in the data directory.
#pragma once

#include <memory>

#include "serve/config/serve_config.h"
#include "serve/storage/document_store.h"

namespace ragscale::serve {

std::unique_ptr<DocumentStore> open_document_store(const ServeConfig& config);

}  // namespace ragscale::serve
