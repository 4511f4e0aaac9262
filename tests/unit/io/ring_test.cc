#include "io/ring.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "io/buffer_ring.h"
#include "io/probe.h"

namespace rg::io {
namespace {

struct Collector {
    Operation op;
    std::string data;
    int completions = 0;
    int enobufs = 0;
    bool more = true;
    BufferRing* br = nullptr;
};

void collect(Operation* op, int32_t res, uint32_t flags) {
    auto* c = static_cast<Collector*>(op->owner);
    ++c->completions;
    c->more = (flags & IORING_CQE_F_MORE) != 0;
    if (res == -ENOBUFS) {
        ++c->enobufs;
        return;
    }
    if (res > 0 && (flags & IORING_CQE_F_BUFFER)) {
        uint16_t bid = BufferRing::buffer_id(flags);
        c->br->note_taken();
        c->data.append(c->br->buffer(bid), static_cast<size_t>(res));
        // Deliberately not recycled here: the test controls when buffers come back.
    }
}

void arm_recv(Ring& ring, BufferRing& br, int fd, Collector* c) {
    io_uring_sqe* sqe = ring.sqe();
    io_uring_prep_recv_multishot(sqe, fd, nullptr, 0, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = br.group_id();
    Ring::bind(sqe, &c->op);
}

void drain(Ring& ring) {
    int err = 0;
    ASSERT_TRUE(ring.submit_and_wait(50'000'000, &err));
    ring.dispatch_completions();
}

TEST(Probe, ReportsThisKernelAsUsable) {
    ProbeReport r = probe_kernel(2, 1024);
    EXPECT_TRUE(r.ok) << r.problem;
    EXPECT_GE(r.last_opcode, static_cast<uint32_t>(IORING_OP_MSG_RING));
}

TEST(Ring, MultishotRecvReArmsAfterBufferExhaustionWithoutLosingData) {
    Ring ring;
    ASSERT_TRUE(ring.init(RingOptions{64, 256}).ok());
    BufferRing br;
    ASSERT_TRUE(br.init(&ring, 1, 4, 16).ok());
    int sv[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    Collector c;
    c.op.owner = &c;
    c.op.on_complete = &collect;
    c.br = &br;
    arm_recv(ring, br, sv[0], &c);
    // 4 buffers x 16 bytes = 64 bytes of room; send 200 bytes.
    std::string payload;
    for (int i = 0; i < 200; ++i) {
        payload.push_back(static_cast<char>('a' + i % 26));
    }
    ASSERT_EQ(write(sv[1], payload.data(), payload.size()), 200);
    for (int round = 0; round < 100 && c.data.size() < payload.size(); ++round) {
        drain(ring);
        if (!c.op.in_flight) {
            // The multishot ended with ENOBUFS: give buffers back, re-arm.
            for (uint16_t b = 0; b < 4 && br.outstanding() > 0; ++b) {
                br.recycle(b);
            }
            br.publish();
            arm_recv(ring, br, sv[0], &c);
        }
    }
    EXPECT_GE(c.enobufs, 1);
    EXPECT_EQ(c.data, payload);
    close(sv[0]);
    close(sv[1]);
}

struct MsgCatcher {
    Operation op;
    int32_t last = 0;
};

TEST(Ring, MsgRingDeliversCodeToAnotherThreadsRing) {
    std::atomic<int> fd{-1};
    std::atomic<int> got{0};
    MsgCatcher catcher;
    catcher.op.owner = &catcher;
    catcher.op.on_complete = [](Operation* op, int32_t res, uint32_t) {
        static_cast<MsgCatcher*>(op->owner)->last = res;
    };
    std::thread target([&] {
        Ring r;
        ASSERT_TRUE(r.init(RingOptions{8, 16}).ok());
        fd.store(r.fd());
        fd.notify_all();
        int err = 0;
        while (catcher.last == 0) {
            ASSERT_TRUE(r.submit_and_wait(0, &err));
            r.dispatch_completions();
        }
        got.store(catcher.last);
    });
    while (fd.load() < 0) {
        fd.wait(-1);
    }
    Ring sender;
    ASSERT_TRUE(sender.init(RingOptions{8, 16}).ok());
    io_uring_prep_msg_ring(sender.sqe(), static_cast<unsigned>(fd.load()), 42,
                           reinterpret_cast<uint64_t>(&catcher.op), 0);
    sender.submit();
    target.join();
    EXPECT_EQ(got.load(), 42);
}

}  // namespace
}  // namespace rg::io
