// placeholder: replaced by the translator sources
