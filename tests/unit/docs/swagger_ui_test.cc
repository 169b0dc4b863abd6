// Unit tests of the Swagger UI page and the embedded assets: the page points at the request's
// own prefix, carries FastAPI's options and never a CDN; the assets have the right types.
#include "docs/swagger_ui.h"

#include <gtest/gtest.h>

#include <string>

namespace gw::docs {
namespace {

TEST(DocsSwaggerUiTest, PageUsesTheRootPath) {
  std::string html = SwaggerUiHtml("Job - primer", "/pub/job/primer/0.0.1");
  EXPECT_NE(html.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(html.find("<title>Job - primer - Swagger UI</title>"), std::string::npos);
  EXPECT_NE(html.find("url: '/pub/job/primer/0.0.1/openapi.json'"), std::string::npos);
  EXPECT_NE(html.find("window.location.origin + '/pub/job/primer/0.0.1/docs/oauth2-redirect'"),
            std::string::npos);
  EXPECT_NE(html.find("src=\"/pub/job/primer/0.0.1/docs/swagger-ui-bundle.js?v="),
            std::string::npos);
  EXPECT_NE(html.find("href=\"/pub/job/primer/0.0.1/docs/swagger-ui.css?v="), std::string::npos);
  for (const char* option :
       {"\"dom_id\": \"#swagger-ui\"", "\"layout\": \"BaseLayout\"", "\"deepLinking\": true",
        "\"showExtensions\": true", "\"showCommonExtensions\": true",
        "\"displayRequestDuration\": true"}) {
    EXPECT_NE(html.find(option), std::string::npos) << option;
  }
  EXPECT_EQ(html.find("http"), std::string::npos) << "no CDN, no absolute URL";
}

TEST(DocsSwaggerUiTest, UnprefixedPage) {
  std::string html = SwaggerUiHtml("Job - primer", "");
  EXPECT_NE(html.find("url: '/openapi.json'"), std::string::npos);
  EXPECT_NE(html.find("src=\"/docs/swagger-ui-bundle.js"), std::string::npos);
}

TEST(DocsSwaggerUiTest, HostileInputIsEscaped) {
  std::string html = SwaggerUiHtml("Job - <b>", "/pub/job/x'<\"/y");
  EXPECT_NE(html.find("<title>Job - &lt;b&gt; - Swagger UI</title>"), std::string::npos);
  EXPECT_NE(html.find("url: '/pub/job/x%27%3C%22/y/openapi.json'"), std::string::npos);
}

TEST(DocsSwaggerUiTest, AssetsAreEmbeddedWithTheirTypes) {
  const Asset* bundle = FindAsset("swagger-ui-bundle.js");
  ASSERT_NE(bundle, nullptr);
  EXPECT_EQ(bundle->content_type, "text/javascript; charset=utf-8");
  EXPECT_GT(bundle->body.size(), 100000u);
  EXPECT_NE(bundle->body.find("SwaggerUIBundle"), std::string_view::npos);
  ASSERT_NE(FindAsset("swagger-ui.css"), nullptr);
  EXPECT_EQ(FindAsset("swagger-ui.css")->content_type, "text/css; charset=utf-8");
  ASSERT_NE(FindAsset("favicon-32x32.png"), nullptr);
  EXPECT_TRUE(FindAsset("favicon-32x32.png")->body.starts_with("\x89PNG"));
  EXPECT_EQ(FindAsset("index.html"), nullptr);
  EXPECT_NE(OAuth2RedirectHtml().find("oauth2"), std::string_view::npos);
  EXPECT_TRUE(SwaggerUiVersion().starts_with("5."));
}

}  // namespace
}  // namespace gw::docs
