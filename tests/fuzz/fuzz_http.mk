# libos/httpd's HTTP request parser: any bytes a client sends.
FUZZ_TARGETS += http
FUZZ_SRCS_http := tests/fuzz/fuzz_http.c libos/httpd/http_parse.c
