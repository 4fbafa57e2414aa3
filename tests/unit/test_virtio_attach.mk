# Finding, mapping and sizing a virtio device (libos/virtio/virtio_attach.c,
# shared by the block and network drivers), over register pages in memory.
UNIT_TESTS += virtio_attach
UNIT_SRCS_virtio_attach := tests/unit/test_virtio_attach.c \
	libos/virtio/virtio_attach.c libos/virtio/virtio_mmio.c \
	libos/virtio/virtqueue.c
