// The gateway's copy of the job's static files (spec §9.3), kept with the validators the worker
// gave them (ETag from the file's mtime and size, Last-Modified). Every request still asks the
// worker, sending If-None-Match with the cached ETag: the worker answers 304 from a stat()
// without reading the file, so edits show up at once (as in the original) while unchanged files
// are neither re-read nor re-sent. Clients' own If-None-Match / If-Modified-Since get 304.
// Loop thread only. Files above kMaxCachedFileBytes, or beyond kMaxCachedBytes in total, are not
// kept (they are still served).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/request.h"

namespace gw::api {

struct StaticFile {
  std::string etag;
  std::string last_modified;
  std::string content_type;
  std::string body;
};

class StaticCache {
 public:
  static constexpr size_t kMaxCachedFileBytes = 8 * 1024 * 1024;
  static constexpr size_t kMaxCachedBytes = 64 * 1024 * 1024;

  // The cached file of an endpoint path, or nullptr.
  const StaticFile* Find(const std::string& path) const;

  // Applies the worker's answer for `path`: a 200 with an ETag replaces the entry (if it fits),
  // a 304 confirms it. Returns the file to serve, or nullptr when the answer is to be passed on
  // as it is (an error, or a 304 for a file no longer cached). `body` may be moved from.
  const StaticFile* Update(const std::string& path, int status,
                           const std::vector<http::Header>& headers, std::string& body);

  void Clear();
  size_t bytes() const { return bytes_; }

  // True if the client's validators match `file`: answer 304.
  static bool ClientIsFresh(const http::Request& request, const StaticFile& file);

 private:
  std::unordered_map<std::string, StaticFile> files_;
  size_t bytes_ = 0;
  StaticFile uncached_;  // the last file served without being kept
};

}  // namespace gw::api
