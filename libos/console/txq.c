/* SPDX-License-Identifier: MIT */
/* The transmit queue; see txq.h. */
#include <rivet/libos.h>

#include "txq.h"

static char ring[TXQ_SIZE];
static size_t head, tail; /* bytes queued / sent since the start */
static const struct uart_driver *uart;
static bool irq_on;
static unsigned long stalls;

void txq_init(const struct uart_driver *drv)
{
	uart = drv;
	head = tail = 0;
	irq_on = false;
}

size_t txq_room(void)
{
	return TXQ_SIZE - (head - tail);
}

bool txq_put(const char *s, size_t n)
{
	size_t i;

	if (n > txq_room())
		return false;
	for (i = 0; i < n; i++)
		ring[(head + i) % TXQ_SIZE] = s[i];
	head += n;
	return true;
}

/* Writes what the UART takes now. */
static void move_some(void)
{
	unsigned room = uart->tx_room();

	while (room && tail < head) {
		uart->tx_byte((uint8_t)ring[tail % TXQ_SIZE]);
		tail++;
		if (!--room)
			room = uart->tx_room();
	}
}

static void set_irq(bool on)
{
	if (on != irq_on) {
		uart->tx_irq(on);
		irq_on = on;
		stalls += on;
	}
}

void txq_pump(void)
{
	move_some();
	set_irq(tail < head);
}

bool txq_drain(uint64_t deadline)
{
	set_irq(false);
	while (tail < head && rivet_now() < deadline)
		move_some();
	return tail == head;
}

unsigned long txq_stalls(void)
{
	return stalls;
}
