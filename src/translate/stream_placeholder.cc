// placeholder: replaced by the stream framing sources
