// SPDX-License-Identifier: MIT
/* Version strings; rebuilt on every build so the git id stays current. */
#include "kernel/version.h"

#include "generated/version.h"

const char rivet_version[] = RIVET_VERSION;
const char rivet_git[] = RIVET_GIT;
const char rivet_config[] = CONFIG_BOARD_NAME;
