#include "docs/swagger_ui.h"

#include <array>

#include "docs/embedded_files.h"

namespace gw::docs {
namespace {

constexpr std::string_view kHtml = "text/html; charset=utf-8";

std::string_view EmbeddedData(std::string_view name) {
  for (size_t i = 0; i < kEmbeddedFileCount; ++i) {
    if (kEmbeddedFiles[i].name == name) return kEmbeddedFiles[i].data;
  }
  return {};
}

struct NamedAsset {
  std::string_view name;
  Asset asset;
};

// Built on first use from the embedded files. The bundle holds non-ASCII text: without
// charset=utf-8 a browser may decode it as Latin-1 and fail to parse it.
const std::array<NamedAsset, 4>& Assets() {
  static const std::array<NamedAsset, 4> assets = {{
      {"swagger-ui.css", {"text/css; charset=utf-8", EmbeddedData("swagger-ui.css")}},
      {"swagger-ui-bundle.js",
       {"text/javascript; charset=utf-8", EmbeddedData("swagger-ui-bundle.js")}},
      {"favicon-32x32.png", {"image/png", EmbeddedData("favicon-32x32.png")}},
      {"oauth2-redirect.html", {kHtml, EmbeddedData("oauth2-redirect.html")}},
  }};
  return assets;
}

// Request paths may hold any byte; the prefix lands in HTML attributes and a JavaScript string,
// so everything but a conservative set of URL characters is percent-encoded.
std::string SafeUrlPath(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : path) {
    auto c = static_cast<unsigned char>(ch);
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                std::string_view("-._~/%:@+,;=!$()*").find(ch) != std::string_view::npos;
    if (safe) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string HtmlEscaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out.append("&amp;");
        break;
      case '<':
        out.append("&lt;");
        break;
      case '>':
        out.append("&gt;");
        break;
      case '"':
        out.append("&quot;");
        break;
      case '\'':
        out.append("&#x27;");
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace

const Asset* FindAsset(std::string_view name) {
  for (const NamedAsset& a : Assets()) {
    if (a.name == name) return a.asset.body.empty() ? nullptr : &a.asset;
  }
  return nullptr;
}

std::string_view SwaggerUiVersion() { return EmbeddedData("version"); }

std::string SwaggerUiHtml(std::string_view title, std::string_view root_path) {
  std::string root = SafeUrlPath(root_path);
  std::string docs = root + std::string(kDocsPath) + "/";
  std::string query = "?v=" + SafeUrlPath(SwaggerUiVersion());
  std::string html = R"(<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<link type="text/css" rel="stylesheet" href=")" +
                     docs + "swagger-ui.css" + query + R"(">
<link rel="shortcut icon" href=")" +
                     docs + "favicon-32x32.png" + query + R"(">
<title>)" + HtmlEscaped(title) +
                     R"( - Swagger UI</title>
</head>
<body>
<div id="swagger-ui">
</div>
<script src=")" + docs +
                     "swagger-ui-bundle.js" + query + R"("></script>
<!-- `SwaggerUIBundle` is now available on the page -->
<script>
const ui = SwaggerUIBundle({
    url: ')" + root + R"(/openapi.json',
"dom_id": "#swagger-ui",
"layout": "BaseLayout",
"deepLinking": true,
"showExtensions": true,
"showCommonExtensions": true,
"displayRequestDuration": true,
oauth2RedirectUrl: window.location.origin + ')" +
                     root + R"(/docs/oauth2-redirect',
    presets: [
        SwaggerUIBundle.presets.apis,
        SwaggerUIBundle.SwaggerUIStandalonePreset
        ],
    })
</script>
</body>
</html>
)";
  return html;
}

std::string_view OAuth2RedirectHtml() { return EmbeddedData("oauth2-redirect.html"); }

}  // namespace gw::docs
