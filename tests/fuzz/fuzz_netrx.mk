# Random frames through libos/net's receive path (driver, then lwIP's
# input) on the host: the fuzzer plays the virtio-net device. lwIP comes
# from scripts/fetch-lwip, like the libOS's (libos/libos.mk); its
# checksum checks are off here so that mutated frames get past IP.
FUZZ_TARGETS += netrx
FUZZ_SRCS_netrx := tests/fuzz/fuzz_netrx.c libos/net/net.c \
	libos/net/virtio_net.c libos/net/sys_arch.c libos/net/chksum.c \
	libos/virtio/virtqueue.c \
	libos/virtio/virtio_mmio.c libos/virtio/virtio_attach.c \
	$(addprefix $(LWIP_DIR)/,$(LWIP_SRCS))
FUZZ_CFLAGS_netrx := -I$(srctree)/libos $(LWIP_INC) -Wno-unused-parameter \
	-DCHECKSUM_CHECK_IP=0 -DCHECKSUM_CHECK_UDP=0 -DCHECKSUM_CHECK_TCP=0 \
	-DCHECKSUM_CHECK_ICMP=0
