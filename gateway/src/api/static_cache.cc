#include "api/static_cache.h"

namespace gw::api {
namespace {

std::string_view HeaderValue(const std::vector<http::Header>& headers, std::string_view name) {
  for (const http::Header& h : headers) {
    if (h.name == name) return h.value;
  }
  return {};
}

// If-None-Match: "*" or a list of entity tags; weak tags compare weakly (RFC 9110 §13.1.2).
bool EtagListMatches(std::string_view list, std::string_view etag) {
  auto strip_weak = [](std::string_view tag) {
    return tag.starts_with("W/") ? tag.substr(2) : tag;
  };
  std::string_view want = strip_weak(etag);
  size_t pos = 0;
  while (pos < list.size()) {
    size_t comma = list.find(',', pos);
    if (comma == std::string_view::npos) comma = list.size();
    std::string_view tag = list.substr(pos, comma - pos);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag == "*" || strip_weak(tag) == want) return true;
    pos = comma + 1;
  }
  return false;
}

}  // namespace

const StaticFile* StaticCache::Find(const std::string& path) const {
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second;
}

const StaticFile* StaticCache::Update(const std::string& path, int status,
                                      const std::vector<http::Header>& headers, std::string& body) {
  if (status == 304) return Find(path);
  if (status != 200) return nullptr;
  StaticFile file{std::string(HeaderValue(headers, "etag")),
                  std::string(HeaderValue(headers, "last-modified")),
                  std::string(HeaderValue(headers, "content-type")), std::move(body)};
  auto it = files_.find(path);
  if (it != files_.end()) {
    bytes_ -= it->second.body.size();
    files_.erase(it);
  }
  bool fits = !file.etag.empty() && file.body.size() <= kMaxCachedFileBytes &&
              bytes_ + file.body.size() <= kMaxCachedBytes;
  if (!fits) {
    uncached_ = std::move(file);
    return &uncached_;
  }
  bytes_ += file.body.size();
  return &(files_[path] = std::move(file));
}

void StaticCache::Clear() {
  files_.clear();
  bytes_ = 0;
}

bool StaticCache::ClientIsFresh(const http::Request& request, const StaticFile& file) {
  if (const std::string* inm = request.FindHeader("if-none-match")) {
    return !file.etag.empty() && EtagListMatches(*inm, file.etag);
  }
  // If-Modified-Since counts only without If-None-Match; an exact match of the date we sent is
  // what browsers send back, so no date parsing is needed.
  const std::string* ims = request.FindHeader("if-modified-since");
  return ims != nullptr && !file.last_modified.empty() && *ims == file.last_modified;
}

}  // namespace gw::api
