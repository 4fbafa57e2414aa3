# Checksums of static data from precomputed tables (libos/net/chksum.c,
# httpd's Cheetah specialisation) against a plain RFC 1071 sum.
UNIT_TESTS += chksum
UNIT_SRCS_chksum := tests/unit/test_chksum.c libos/net/chksum.c
