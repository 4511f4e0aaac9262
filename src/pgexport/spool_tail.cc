#include "pgexport/spool_tail.h"

#include "spool/spool_reader.h"

namespace rg::pgexport {

struct SpoolTail::Impl {
    spool::SpoolReader reader;
    bool uncommitted = false;  // the reader is past the committed cursor
};

SpoolTail::SpoolTail(std::string dir, std::string consumer)
    : dir_(std::move(dir)), consumer_(std::move(consumer)), impl_(new Impl) {}

SpoolTail::~SpoolTail() {
    delete impl_;
}

Result<void> SpoolTail::open() {
    impl_->reader.close();
    Result<void> opened = impl_->reader.open(dir_, consumer_);
    if (opened.ok()) {
        committed_ = impl_->reader.committed();
        impl_->uncommitted = false;
    }
    return opened;
}

Result<void> SpoolTail::read(uint32_t records_max, uint32_t bytes_max, Batch* out) {
    if (impl_->uncommitted) {
        impl_->reader.rewind();  // the last batch was not stored: read it again
        impl_->uncommitted = false;
    }
    out->payloads.clear();
    out->bytes.clear();
    // Offsets first: `bytes` may reallocate while it grows.
    std::vector<std::pair<size_t, size_t>> spans;
    spool::Record record;
    while (spans.size() < records_max && out->bytes.size() < bytes_max &&
           impl_->reader.next(&record)) {
        if (spans.empty()) {
            out->first_seq = record.seq;
        }
        out->last_seq = record.seq;
        spans.emplace_back(out->bytes.size(), record.payload.size());
        out->bytes.append(record.payload);
    }
    for (auto [offset, size] : spans) {
        out->payloads.emplace_back(out->bytes.data() + offset, size);
    }
    out->end = impl_->reader.position();
    impl_->uncommitted = !spans.empty();
    return Result<void>();
}

Result<void> SpoolTail::commit(const Batch& batch) {
    Result<void> saved = impl_->reader.commit(batch.end);
    if (saved.ok()) {
        committed_ = batch.end;
        impl_->uncommitted = false;
    }
    return saved;
}

}  // namespace rg::pgexport
