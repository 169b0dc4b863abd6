// Swagger UI at /docs (spec §6.3), from the swagger-ui-dist assets compiled into the binary:
// never a CDN, since jobs often run air-gapped. The page refers to its assets under the
// request's own prefix (`/pub/job/n/v/docs/...`), so it works behind the Racetrack proxy too.
#pragma once

#include <string>
#include <string_view>

namespace gw::docs {

// An asset as served: static storage, valid for the life of the process.
struct Asset {
  std::string_view content_type;
  std::string_view body;
};

// The path prefix every asset is served under, relative to the request's root path.
inline constexpr std::string_view kDocsPath = "/docs";
// Cache-Control for the assets: their URLs carry the pinned version, so they never change.
inline constexpr std::string_view kAssetCacheControl = "public, max-age=31536000, immutable";

// The asset named `name` (e.g. "swagger-ui-bundle.js"), or nullptr.
const Asset* FindAsset(std::string_view name);

// The pinned swagger-ui-dist version, e.g. "5.17.14".
std::string_view SwaggerUiVersion();

// FastAPI's Swagger UI page, titled "<title> - Swagger UI" (the title is the OpenAPI document's,
// "Job - <name>"). `root_path` is the request's prefix, e.g. "/pub/job/primer/0.0.1", or empty.
std::string SwaggerUiHtml(std::string_view title, std::string_view root_path);

// The OAuth2 redirect helper page (served at /docs/oauth2-redirect).
std::string_view OAuth2RedirectHtml();

}  // namespace gw::docs
