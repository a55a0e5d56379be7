#include "serve/backend/openai_embedder.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <stdexcept>

#include "common/bounded_json.h"

namespace ragscale::serve {
namespace {

std::string excerpt(const std::string& body) { return body.size() > 200 ? body.substr(0, 200) + "..." : body; }

}  // namespace

OpenAiEmbedder::OpenAiEmbedder(BackendClient& client, std::string model, size_t batch,
                               std::chrono::milliseconds timeout)
    : client_(client), model_(std::move(model)), batch_(batch == 0 ? 1 : batch), timeout_(timeout) {
  try {
    auto probe = embed_batch({"dimension probe"}, 0, 1);
    dimension_ = probe.at(0).size();
  } catch (const std::exception& e) {
    throw std::runtime_error("embeddings endpoint http://" + client_.url().host + ":" +
                             std::to_string(client_.url().port) + client_.url().base_path +
                             "/v1/embeddings is not usable: " + e.what());
  }
  if (dimension_ == 0) throw std::runtime_error("embeddings endpoint returned empty vectors");
}

std::vector<Embedding> OpenAiEmbedder::embed(const std::vector<std::string>& texts) {
  std::vector<Embedding> out;
  out.reserve(texts.size());
  for (size_t begin = 0; begin < texts.size(); begin += batch_) {
    auto part = embed_batch(texts, begin, std::min(texts.size(), begin + batch_));
    for (auto& vector : part) out.push_back(std::move(vector));
  }
  return out;
}

std::string OpenAiEmbedder::request_body(const std::vector<std::string>& texts, size_t begin, size_t end) const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("model");
  w.String(model_.c_str());
  w.Key("input");
  w.StartArray();
  for (size_t i = begin; i < end; ++i) w.String(texts[i].data(), static_cast<rapidjson::SizeType>(texts[i].size()));
  w.EndArray();
  w.Key("encoding_format");
  w.String("float");
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

namespace {

// The L2-normalized vectors of an embeddings response for `inputs` texts, each of
// `dimension` values (any, while it is still 0); throws EmbeddingInterrupted when the
// call was cut short, std::runtime_error saying what else is wrong.
std::vector<Embedding> read_vectors(const BackendResponse& response, size_t inputs, size_t dimension) {
  if (response.failure == BackendFailure::kShuttingDown || response.failure == BackendFailure::kCancelled) {
    throw EmbeddingInterrupted("embeddings request interrupted: " + response.error);
  }
  if (!response.error.empty()) throw std::runtime_error("embeddings request failed: " + response.error);
  if (!response.ok()) {
    throw std::runtime_error("embeddings endpoint answered " + std::to_string(response.status) + ": " +
                             excerpt(response.body));
  }
  rapidjson::Document document;
  auto parsed = parse_bounded_json(document, response.body);
  if (!parsed.ok()) throw std::runtime_error("embeddings response is not readable JSON: " + parsed.message);
  if (!document.IsObject() || !document.HasMember("data") || !document["data"].IsArray()) {
    throw std::runtime_error("embeddings response is not {\"data\":[...]}: " + excerpt(response.body));
  }
  const auto& data = document["data"];
  if (data.Size() != inputs) {
    throw std::runtime_error("embeddings endpoint returned " + std::to_string(data.Size()) + " vectors for " +
                             std::to_string(inputs) + " inputs");
  }
  std::vector<Embedding> vectors(inputs);
  std::vector<bool> filled(inputs, false);
  for (rapidjson::SizeType i = 0; i < data.Size(); ++i) {
    const auto& item = data[i];
    if (!item.IsObject() || !item.HasMember("embedding") || !item["embedding"].IsArray()) {
      throw std::runtime_error("embeddings response item has no \"embedding\" array");
    }
    size_t index = i;
    if (item.HasMember("index") && item["index"].IsUint()) index = item["index"].GetUint();
    if (index >= vectors.size()) throw std::runtime_error("embeddings response index out of range");
    // As many items as inputs and none twice: every input has its vector.
    if (filled[index]) throw std::runtime_error("embeddings response repeats index " + std::to_string(index));
    filled[index] = true;
    auto& vector = vectors[index];
    for (const auto& value : item["embedding"].GetArray()) {
      if (!value.IsNumber()) throw std::runtime_error("embeddings response holds a non-number");
      vector.push_back(static_cast<float>(value.GetDouble()));
    }
    l2_normalize(vector);
  }
  for (const auto& vector : vectors) {
    if (dimension != 0 && vector.size() != dimension) {
      throw std::runtime_error("embeddings endpoint returned dimension " + std::to_string(vector.size()) +
                               " instead of " + std::to_string(dimension));
    }
  }
  return vectors;
}

}  // namespace

std::vector<Embedding> OpenAiEmbedder::embed_batch(const std::vector<std::string>& texts, size_t begin, size_t end) {
  auto response = client_.post_json("/v1/embeddings", request_body(texts, begin, end), timeout_);
  return read_vectors(response, end - begin, dimension_);
}

void OpenAiEmbedder::embed_async(std::vector<std::string> texts, std::chrono::milliseconds timeout,
                                 std::function<void(std::vector<Embedding> vectors, std::string error)> done) {
  if (texts.empty()) {
    done({}, "");
    return;
  }
  size_t inputs = texts.size();
  client_.post_json_async("/v1/embeddings", request_body(texts, 0, inputs), timeout, {},
                          [inputs, dimension = dimension_, done = std::move(done)](BackendResponse response) {
                            std::vector<Embedding> vectors;
                            std::string error;
                            try {
                              vectors = read_vectors(response, inputs, dimension);
                            } catch (const std::exception& e) {
                              error = e.what();
                            }
                            done(std::move(vectors), std::move(error));
                          });
}

}  // namespace ragscale::serve
