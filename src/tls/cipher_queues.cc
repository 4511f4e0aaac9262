#include "tls/cipher_queues.h"

#include <algorithm>
#include <climits>
#include <cstring>

#include "base/assert.h"
#include "tls/boringssl.h"

namespace rg::tls::detail {
namespace {

CipherQueues* queues_of(BIO* bio) {
    return static_cast<CipherQueues*>(BIO_get_data(bio));
}

int bio_read(BIO* bio, char* out, int len) {
    BIO_clear_retry_flags(bio);
    const size_t n = queues_of(bio)->pull_input(out, static_cast<size_t>(len));
    if (n == 0) {
        // "Try again later", never EOF: the end of the stream is the socket's business.
        BIO_set_retry_read(bio);
        return -1;
    }
    return static_cast<int>(n);
}

int bio_write(BIO* bio, const char* data, int len) {
    BIO_clear_retry_flags(bio);
    queues_of(bio)->push_output(data, static_cast<size_t>(len));
    return len;
}

long bio_ctrl(BIO* bio, int cmd, long /*larg*/, void* /*parg*/) {
    switch (cmd) {
        case BIO_CTRL_FLUSH:
            return 1;  // output is already where the socket will take it from
        case BIO_CTRL_PENDING:
            return static_cast<long>(queues_of(bio)->input_bytes());
        case BIO_CTRL_WPENDING:
            return static_cast<long>(queues_of(bio)->output_bytes());
        default:
            return 0;
    }
}

BIO_METHOD* make_method() {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "rg_tls_queues");
    RG_ASSERT(m != nullptr);
    RG_ASSERT(BIO_meth_set_read(m, bio_read) == 1);
    RG_ASSERT(BIO_meth_set_write(m, bio_write) == 1);
    RG_ASSERT(BIO_meth_set_ctrl(m, bio_ctrl) == 1);
    return m;
}

}  // namespace

bio_st* CipherQueues::new_bio() {
    // Built once per process (thread-safe static init) and never freed.
    static BIO_METHOD* const method = make_method();
    BIO* bio = BIO_new(method);
    if (bio != nullptr) {
        BIO_set_data(bio, this);
        BIO_set_init(bio, 1);
    }
    return bio;
}

size_t CipherQueues::pull_input(char* out, size_t cap) {
    const size_t n = std::min(cap, in_.size());
    if (n > 0) {
        std::memcpy(out, in_.data(), n);
        in_.consume(n);
    }
    return n;
}

void CipherQueues::push_output(const char* data, size_t len) {
    ByteBuffer& dst = (exposed_ || !back().empty()) ? back() : front();
    dst.append(data, len);
}

std::string_view CipherQueues::front_output() {
    if (front().empty() && !back().empty()) {
        front_ ^= 1;
    }
    exposed_ = !front().empty();
    return front().view();
}

void CipherQueues::consume_output(size_t n) {
    RG_ASSERT(n <= front().size());
    front().consume(n);
    if (front().empty()) {
        exposed_ = false;
    }
}

}  // namespace rg::tls::detail
