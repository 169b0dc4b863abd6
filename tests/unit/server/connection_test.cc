// Loop-level tests of Connection: lifecycle, keep-alive, pipelining, the codec's limits end to
// end, timeouts, disconnects and graceful close, on a real loop with real sockets
// (loop_server_test_support.h).
#include "server/connection.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "loop_server_test_support.h"

namespace gw::server {
namespace {

using test_support::DelayFromTarget;
using test_support::Get;
using test_support::HttpResponse;
using test_support::TestClient;
using test_support::TestHandler;
using ServerConnectionTest = test_support::LoopServerTest;

// ---- Lifecycle and keep-alive ----

TEST_F(ServerConnectionTest, RequestResponseAndClose) {
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.connected());
    ASSERT_TRUE(client.Send(Get("/hello?x=1")));
    std::optional<HttpResponse> response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "GET /hello?x=1 ");
    EXPECT_EQ(response->Header("content-type"), "text/plain");
    EXPECT_EQ(response->Header("content-length"), "15");
    EXPECT_EQ(response->Header("server"), "racetrack-gateway");
    EXPECT_FALSE(response->Has("connection"));
    EXPECT_EQ(ConnectionCount(), 1u);
  });  // the client closes; the connection sees EOF, closes and frees itself
  EXPECT_EQ(handler_.seen(), std::vector<std::string>{"GET /hello?x=1 "});
  EXPECT_EQ(handler_.abandoned(), 0);
}

TEST_F(ServerConnectionTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  Serve([&](int port) {
    TestClient client(port);
    for (int i = 0; i < 3; ++i) {
      std::string target = "/r" + std::to_string(i);
      ASSERT_TRUE(client.Send(Get(target)));
      std::optional<HttpResponse> response = client.Read();
      ASSERT_TRUE(response);
      EXPECT_EQ(response->body, "GET " + target + " ");
    }
    EXPECT_EQ(ConnectionCount(), 1u);
  });
  EXPECT_EQ(handler_.seen().size(), 3u);
}

TEST_F(ServerConnectionTest, ManyClientsAtOnce) {
  Serve([&](int port) {
    std::vector<std::unique_ptr<TestClient>> clients;
    for (int i = 0; i < 10; ++i) {
      clients.push_back(std::make_unique<TestClient>(port));
      ASSERT_TRUE(clients.back()->Send(Get("/c" + std::to_string(i))));
    }
    for (int i = 0; i < 10; ++i) {
      std::optional<HttpResponse> response = clients[i]->Read();
      ASSERT_TRUE(response);
      EXPECT_EQ(response->body, "GET /c" + std::to_string(i) + " ");
    }
    EXPECT_EQ(ConnectionCount(), 10u);
  });
}

// ---- Pipelining ----

TEST_F(ServerConnectionTest, PipelinedRequestsAreAnsweredInOrder) {
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send(Get("/1") + Get("/2") + Get("/3")));
    for (const char* body : {"GET /1 ", "GET /2 ", "GET /3 "}) {
      std::optional<HttpResponse> response = client.Read();
      ASSERT_TRUE(response);
      EXPECT_EQ(response->body, body);
    }
  });
}

TEST_F(ServerConnectionTest, PipelinedAsyncAnswersKeepTheOrder) {
  handler_.set_policy([&](Connection* conn, http::Request& request) {
    handler_.AnswerAfter(conn, DelayFromTarget(request.target));
  });
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send(Get("/1?d=40") + Get("/2?d=0") + Get("/3?d=15")));
    for (const char* body : {"GET /1?d=40 ", "GET /2?d=0 ", "GET /3?d=15 "}) {
      std::optional<HttpResponse> response = client.Read();
      ASSERT_TRUE(response);
      EXPECT_EQ(response->body, body);
    }
  });
}

// The handler sees one request of a connection at a time; replies for different connections
// may come in any order, and each connection still answers its requests in order.
TEST_F(ServerConnectionTest, AnswersOutOfOrderAcrossConnections) {
  handler_.set_policy([&](Connection* conn, http::Request&) { handler_.Hold(conn); });
  Serve([&](int port) {
    TestClient a(port);
    TestClient b(port);
    ASSERT_TRUE(a.Send(Get("/a1") + Get("/a2")));
    ASSERT_TRUE(handler_.WaitForRequests(1));
    ASSERT_TRUE(b.Send(Get("/b1")));
    ASSERT_TRUE(handler_.WaitForRequests(2));
    EXPECT_EQ(handler_.seen(), (std::vector<std::string>{"GET /a1 ", "GET /b1 "}));

    EXPECT_TRUE(OnLoop([this] { return handler_.AnswerHeld("/b1"); }));
    std::optional<HttpResponse> b1 = b.Read();
    ASSERT_TRUE(b1);
    EXPECT_EQ(b1->body, "GET /b1 ");

    EXPECT_TRUE(OnLoop([this] { return handler_.AnswerHeld("/a1"); }));
    ASSERT_TRUE(handler_.WaitForRequests(3));  // /a2 reaches the handler only now
    EXPECT_TRUE(OnLoop([this] { return handler_.AnswerHeld("/a2"); }));
    for (const char* body : {"GET /a1 ", "GET /a2 "}) {
      std::optional<HttpResponse> response = a.Read();
      ASSERT_TRUE(response);
      EXPECT_EQ(response->body, body);
    }
  });
  EXPECT_EQ(handler_.seen(), (std::vector<std::string>{"GET /a1 ", "GET /b1 ", "GET /a2 "}));
}

// More pipelined requests than the connection queues: it stops reading and resumes.
TEST_F(ServerConnectionTest, ManyPipelinedRequests) {
  constexpr int kRequests = 100;
  handler_.set_policy([&](Connection* conn, http::Request&) { handler_.AnswerAfter(conn, 0); });
  Serve([&](int port) {
    TestClient client(port);
    std::string batch;
    for (int i = 0; i < kRequests; ++i) batch += Get("/" + std::to_string(i));
    ASSERT_TRUE(client.Send(batch));
    for (int i = 0; i < kRequests; ++i) {
      std::optional<HttpResponse> response = client.Read();
      ASSERT_TRUE(response) << i;
      EXPECT_EQ(response->body, "GET /" + std::to_string(i) + " ");
    }
  });
  EXPECT_EQ(handler_.seen().size(), static_cast<size_t>(kRequests));
}

// ---- Protocol details ----

TEST_F(ServerConnectionTest, Http10ClosesAfterTheResponse) {
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send("GET /old HTTP/1.0\r\n\r\n"));
    std::optional<HttpResponse> response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "GET /old ");
    EXPECT_EQ(response->Header("connection"), "close");
    EXPECT_TRUE(client.ReadEof());
  });
}

TEST_F(ServerConnectionTest, ConnectionCloseRequestHeader) {
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send("GET /1 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n" + Get("/2")));
    std::optional<HttpResponse> response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->Header("connection"), "close");
    EXPECT_TRUE(client.ReadEof());  // the request after "close" is never answered
  });
  EXPECT_EQ(handler_.seen(), std::vector<std::string>{"GET /1 "});
}

TEST_F(ServerConnectionTest, ChunkedRequestBody) {
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send(
        "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel"));
    ASSERT_TRUE(client.Send("lo\r\n6\r\n world\r\n0\r\n\r\n"));
    std::optional<HttpResponse> response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body, "POST /echo hello world");
  });
}

TEST_F(ServerConnectionTest, BodyLargerThanTheReadBuffer) {
  std::string body(300 * 1024, 'b');
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send("POST /big HTTP/1.1\r\nHost: h\r\nContent-Length: " +
                            std::to_string(body.size()) + "\r\n\r\n" + body));
    std::optional<HttpResponse> response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body, "POST /big " + body);
  });
}

TEST_F(ServerConnectionTest, HeadResponseHasNoBody) {
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send("HEAD /h HTTP/1.1\r\nHost: h\r\n\r\n" + Get("/g")));
    std::optional<HttpResponse> head = client.Read(/*head_request=*/true);
    ASSERT_TRUE(head);
    EXPECT_EQ(head->status, 200);
    EXPECT_EQ(head->Header("content-length"), "8");  // the length of "HEAD /h "
    // Had the HEAD response carried a body, it would be read as the next response here.
    std::optional<HttpResponse> get = client.Read();
    ASSERT_TRUE(get);
    EXPECT_EQ(get->body, "GET /g ");
  });
}

TEST_F(ServerConnectionTest, HandlerMayAskToClose) {
  handler_.set_policy([](Connection* conn, http::Request&) {
    conn->Respond(http::ResponseHead{503, http::kJson, {}, true}, "{}");
  });
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send(Get("/1") + Get("/2")));
    std::optional<HttpResponse> response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 503);
    EXPECT_EQ(response->Header("connection"), "close");
    EXPECT_TRUE(client.ReadEof());
  });
  EXPECT_EQ(handler_.seen().size(), 1u);
}

// Nothing follows a response that closes the connection, not even a 400 for later garbage.
TEST_F(ServerConnectionTest, NothingFollowsAClosingResponse) {
  handler_.set_policy([](Connection* conn, http::Request&) {
    conn->Respond(http::ResponseHead{503, http::kJson, {}, true}, "{}");
  });
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send(Get("/1") + "GARBAGE\r\n\r\n"));
    std::optional<HttpResponse> response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 503);
    EXPECT_TRUE(client.ReadEof()) << client.unread();
  });
}

// ---- Limits: each answered with its status, then the connection closes ----

void ExpectErrorThenClose(TestClient* client, int status, std::string_view type) {
  std::optional<HttpResponse> response = client->Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, status);
  EXPECT_EQ(response->Header("content-type"), "application/json");
  EXPECT_EQ(response->Header("connection"), "close");
  EXPECT_TRUE(response->body.starts_with("{\"error\":\"")) << response->body;
  EXPECT_TRUE(response->body.ends_with(",\"type\":\"" + std::string(type) + "\"}"))
      << response->body;
  EXPECT_TRUE(client->ReadEof());
}

TEST_F(ServerConnectionTest, MalformedRequestGets400AndClose) {
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send("GARBAGE\r\n\r\n"));
    ExpectErrorThenClose(&client, 400, "BadRequest");
  });
  EXPECT_TRUE(handler_.seen().empty());
}

// A bad request behind a pending good one is answered after it, in order.
TEST_F(ServerConnectionTest, MalformedRequestAfterAPendingOne) {
  handler_.set_policy([&](Connection* conn, http::Request&) { handler_.Hold(conn); });
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send(Get("/ok") + "GET /bad HTTP/1.1\r\nHost: h\r\nBad Header\r\n\r\n"));
    ASSERT_TRUE(handler_.WaitForRequests(1));
    EXPECT_TRUE(OnLoop([this] { return handler_.AnswerHeld("/ok"); }));
    std::optional<HttpResponse> ok = client.Read();
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200);
    EXPECT_EQ(ok->body, "GET /ok ");
    ExpectErrorThenClose(&client, 400, "BadRequest");
  });
  EXPECT_EQ(handler_.seen().size(), 1u);
}

TEST_F(ServerConnectionTest, BodyTooLargeGets413) {
  limits_.max_body_bytes = 10;
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(
        client.Send("POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world"));
    ExpectErrorThenClose(&client, 413, "PayloadTooLarge");
  });
  EXPECT_TRUE(handler_.seen().empty());
}

TEST_F(ServerConnectionTest, DeclaredBodyTooLargeGets413BeforeItArrives) {
  limits_.max_body_bytes = 1000;
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send("POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 1000000\r\n\r\n"));
    ExpectErrorThenClose(&client, 413, "PayloadTooLarge");
  });
}

TEST_F(ServerConnectionTest, ChunkedBodyTooLargeGets413) {
  limits_.max_body_bytes = 10;
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(
        client.Send("POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello "
                    "\r\n5\r\nworld\r\n"));
    ExpectErrorThenClose(&client, 413, "PayloadTooLarge");
  });
}

TEST_F(ServerConnectionTest, HeadersTooLargeGets431) {
  limits_.max_header_bytes = 256;
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(
        client.Send("GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(300, 'h') + "\r\n\r\n"));
    ExpectErrorThenClose(&client, 431, "HeadersTooLarge");
  });
}

TEST_F(ServerConnectionTest, UrlTooLongGets414) {
  limits_.max_url_bytes = 16;
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send(Get("/" + std::string(40, 'u'))));
    ExpectErrorThenClose(&client, 414, "UriTooLong");
  });
}

TEST_F(ServerConnectionTest, UpgradeGets501) {
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send(
        "GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"));
    ExpectErrorThenClose(&client, 501, "NotImplemented");
  });
}

// ---- Timeouts ----

TEST_F(ServerConnectionTest, HeaderTimeoutGets408) {
  limits_.header_timeout_ms = 100;
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send("GET /li"));
    std::optional<HttpResponse> response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 408);
    EXPECT_EQ(response->Header("connection"), "close");
    EXPECT_EQ(response->body,
              R"({"error":"timed out waiting for the request headers","type":"RequestTimeout"})");
    EXPECT_TRUE(client.ReadEof());
  });
  EXPECT_TRUE(handler_.seen().empty());
}

TEST_F(ServerConnectionTest, IdleKeepAliveConnectionCloses) {
  limits_.keep_alive_timeout_ms = 100;
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send(Get("/once")));
    ASSERT_TRUE(client.Read());
    EXPECT_TRUE(client.ReadEof());  // closed without a response
    EXPECT_EQ(client.unread(), "");
  });
}

TEST_F(ServerConnectionTest, SilentNewConnectionCloses) {
  limits_.keep_alive_timeout_ms = 100;
  Serve([&](int port) {
    TestClient client(port);
    EXPECT_TRUE(client.ReadEof());
    EXPECT_EQ(client.unread(), "");
  });
}

// While the handler works on a request no timeout applies, however long it takes.
TEST_F(ServerConnectionTest, NoTimeoutWhileBusy) {
  limits_.header_timeout_ms = 100;
  limits_.keep_alive_timeout_ms = 100;
  handler_.set_policy([&](Connection* conn, http::Request&) { handler_.AnswerAfter(conn, 400); });
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send(Get("/slow")));
    std::optional<HttpResponse> response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
  });
  EXPECT_EQ(handler_.abandoned(), 0);
}

// The header timeout counts from the request's first byte: a client trickling one byte at a
// time cannot keep it from firing.
TEST_F(ServerConnectionTest, HeaderTimeoutIsNotRestartedByEveryRead) {
  limits_.header_timeout_ms = 300;
  Serve([&](int port) {
    TestClient client(port);
    const auto start = std::chrono::steady_clock::now();
    const std::string head = "GET /slow HTTP/1.1\r\nX-Trickle: ";
    ASSERT_TRUE(client.Send(head));
    // Paces the attack (not synchronisation): one byte every 50 ms, far beyond the limit.
    for (int i = 0; i < 40 && client.Send("a"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (std::chrono::steady_clock::now() - start > std::chrono::milliseconds(900)) break;
    }
    std::optional<HttpResponse> response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 408);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1500));
  });
  EXPECT_TRUE(handler_.seen().empty());
}

TEST_F(ServerConnectionTest, BodyTimeoutGets408) {
  limits_.body_timeout_ms = 200;
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(
        client.Send("POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\n0123456789"));
    std::optional<HttpResponse> response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 408);
    EXPECT_EQ(response->Header("connection"), "close");
    EXPECT_EQ(response->body,
              R"({"error":"timed out waiting for the request body","type":"RequestTimeout"})");
    EXPECT_TRUE(client.ReadEof());
  });
  EXPECT_TRUE(handler_.seen().empty());
}

// ---- Expect: 100-continue ----

TEST_F(ServerConnectionTest, ExpectContinueGetsAnInterimAnswerThenTheResponse) {
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send(
        "POST /p HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"));
    std::optional<HttpResponse> interim = client.Read();
    ASSERT_TRUE(interim);
    EXPECT_EQ(interim->status, 100);
    ASSERT_TRUE(client.Send("hello"));
    std::optional<HttpResponse> response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "POST /p hello");
  });
}

TEST_F(ServerConnectionTest, ExpectContinueOverTheBodyLimitGets413WithoutAnInterimAnswer) {
  limits_.max_body_bytes = 10;
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send(
        "POST /p HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n"));
    std::optional<HttpResponse> response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 413);
  });
}

TEST_F(ServerConnectionTest, UnknownExpectationGets417) {
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(
        client.Send("POST /p HTTP/1.1\r\nHost: h\r\nExpect: teapot\r\nContent-Length: 1\r\n\r\n"));
    std::optional<HttpResponse> response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 417);
  });
}

// ---- Connection limit ----

TEST_F(ServerConnectionTest, ConnectionsOverTheLimitGet503) {
  limits_.max_connections = 1;
  handler_.set_policy([&](Connection* conn, http::Request&) { handler_.Hold(conn); });
  Serve([&](int port) {
    TestClient first(port);
    ASSERT_TRUE(first.Send(Get("/held")));
    ASSERT_TRUE(handler_.WaitForRequests(1));
    TestClient second(port);
    ASSERT_TRUE(second.Send(Get("/refused")));
    std::optional<HttpResponse> refused = second.Read();
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 503);
    EXPECT_EQ(refused->Header("connection"), "close");
    EXPECT_TRUE(second.ReadEof());
    EXPECT_TRUE(OnLoop([this] { return handler_.AnswerHeld("/held"); }));
    std::optional<HttpResponse> held = first.Read();
    ASSERT_TRUE(held);
    EXPECT_EQ(held->status, 200);
  });
  EXPECT_EQ(handler_.seen(), std::vector<std::string>{"GET /held "});
}

// ---- Strict framing end to end ----

// Two bytes other than CRLF after chunk data used to be skipped, so the bytes after them were
// read as a second request (smuggling). Now the request is refused and nothing follows it.
TEST_F(ServerConnectionTest, ChunkWithoutCrlfIsRefusedAndNothingIsSmuggled) {
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(
        client.Send("POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "2\r\n{}ZZ0\r\n\r\n" +
                    Get("/smuggled")));
    std::optional<HttpResponse> response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 400);
    EXPECT_TRUE(client.ReadEof());
  });
  EXPECT_TRUE(handler_.seen().empty());
}

// ---- Disconnects ----

TEST_F(ServerConnectionTest, ClientResetWhilePendingAbandonsTheRequest) {
  handler_.set_policy([&](Connection* conn, http::Request&) { handler_.Hold(conn); });
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send(Get("/pending")));
    ASSERT_TRUE(handler_.WaitForRequests(1));
    client.Reset();
  });  // the loop ends only once the connection has closed
  EXPECT_EQ(handler_.abandoned(), 1);
  EXPECT_EQ(handler_.held(), 0u);
}

TEST_F(ServerConnectionTest, ClientResetCancelsADelayedAnswer) {
  handler_.set_policy(
      [&](Connection* conn, http::Request&) { handler_.AnswerAfter(conn, 60'000); });
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send(Get("/pending")));
    ASSERT_TRUE(handler_.WaitForRequests(1));
    client.Reset();
  });
  EXPECT_EQ(handler_.abandoned(), 1);
}

// A FIN is a client leaving as much as a RST: the request it waits for is abandoned (its slot
// and its queued place given up) and nothing more is written.
TEST_F(ServerConnectionTest, FinWhilePendingAbandonsTheRequest) {
  handler_.set_policy([&](Connection* conn, http::Request&) { handler_.Hold(conn); });
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send(Get("/pending")));
    ASSERT_TRUE(handler_.WaitForRequests(1));
    client.ShutdownWrite();
    EXPECT_TRUE(client.ReadEof());
    EXPECT_EQ(client.unread(), "");
  });
  EXPECT_EQ(handler_.abandoned(), 1);
  EXPECT_EQ(handler_.held(), 0u);
}

// The same for requests queued behind it (pipelined): none of them reaches the handler.
TEST_F(ServerConnectionTest, FinAbandonsQueuedRequestsToo) {
  handler_.set_policy([&](Connection* conn, http::Request&) { handler_.Hold(conn); });
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send(Get("/first") + Get("/queued")));
    ASSERT_TRUE(handler_.WaitForRequests(1));
    client.ShutdownWrite();
    EXPECT_TRUE(client.ReadEof());
  });
  EXPECT_EQ(handler_.abandoned(), 1);
  EXPECT_EQ(handler_.seen(), std::vector<std::string>{"GET /first "});
}

// The answer is already being written when the half-close arrives: the write must complete.
TEST_F(ServerConnectionTest, HalfClosedClientGetsAllOfALargeAnswer) {
  std::string big(8 * 1024 * 1024, 'x');
  handler_.set_policy([&](Connection* conn, http::Request&) {
    conn->Respond(http::ResponseHead{200, "text/plain", {}, false}, big);
  });
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send(Get("/big")));
    client.ShutdownWrite();
    std::optional<HttpResponse> response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body.size(), big.size());
    EXPECT_TRUE(client.ReadEof());
  });
}

// An answer larger than the socket's send buffer is written partly at once and the rest as the
// client reads; every byte arrives once and in order, and the next answer follows it.
TEST_F(ServerConnectionTest, AnswerLargerThanTheSendBufferArrivesWholeThenTheNext) {
  std::string big(6 * 1024 * 1024 + 17, '\0');
  for (std::size_t i = 0; i < big.size(); ++i)
    big[i] = static_cast<char>('a' + (i * 7 + i / 4099) % 26);
  handler_.set_policy([&](Connection* conn, http::Request& request) {
    const std::string body = request.target == "/big" ? big : "small";
    conn->Respond(http::ResponseHead{200, "text/plain", {}, false}, body);
  });
  Serve([&](int port) {
    TestClient client(port);
    ASSERT_TRUE(client.Send(Get("/big") + Get("/next")));
    std::optional<HttpResponse> first = client.Read();
    ASSERT_TRUE(first);
    ASSERT_EQ(first->body.size(), big.size());
    EXPECT_TRUE(first->body == big);
    std::optional<HttpResponse> second = client.Read();
    ASSERT_TRUE(second);
    EXPECT_EQ(second->body, "small");
  });
}

// ---- Shutdown ----

TEST_F(ServerConnectionTest, CloseAllWhenIdleClosesIdleNowAndBusyAfterTheResponse) {
  handler_.set_policy([&](Connection* conn, http::Request& request) {
    if (request.target == "/busy") {
      handler_.Hold(conn);
    } else {
      TestHandler::Answer(conn);
    }
  });
  Serve([&](int port) {
    TestClient idle(port);
    TestClient busy(port);
    ASSERT_TRUE(idle.Send(Get("/idle")));
    ASSERT_TRUE(idle.Read());
    ASSERT_TRUE(busy.Send(Get("/busy")));
    ASSERT_TRUE(handler_.WaitForRequests(2));
    EXPECT_EQ(ConnectionCount(), 2u);

    OnLoop([this] { listener_->connections().CloseAllWhenIdle(); });
    EXPECT_TRUE(idle.ReadEof());
    EXPECT_EQ(ConnectionCount(), 1u);

    EXPECT_TRUE(OnLoop([this] { return handler_.AnswerHeld("/busy"); }));
    std::optional<HttpResponse> response = busy.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body, "GET /busy ");
    EXPECT_EQ(response->Header("connection"), "close");  // so the client does not reuse it
    EXPECT_TRUE(busy.ReadEof());
    EXPECT_EQ(ConnectionCount(), 0u);
  });
  EXPECT_EQ(handler_.abandoned(), 0);
}

}  // namespace
}  // namespace gw::server
