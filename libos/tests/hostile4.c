/* SPDX-License-Identifier: MIT */
/* The fourth hostile review's roles (hostile4.h). */
#include "hostile4.h"
#include "tests.h"

const struct role hostile4_roles[] = {
	{ "t_h4_revoker", role_h4_revoker },
	{ "t_h4_holder", role_h4_holder },
	{ "t_h4_pool", role_h4_pool },
	{ "t_h4_ringown", role_h4_ringown },
	{ "t_h4_scribbler", role_h4_scribbler },
	{ "t_h4_killer", role_h4_killer },
	{ "t_h4_victim", role_h4_victim },
	{ "t_h4_flooder", role_h4_flooder },
	{ "t_h4_waiter", role_h4_waiter },
	{ 0 },
};
