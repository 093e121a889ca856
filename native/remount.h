/* A recursive mount-flag change that spares some submounts (systemd's deny list). */
#pragma once
#include "plan.h"

/* Changes set/clr (MOUNT_ATTR_* bits) on the mount at topfd and every mount below it, except
 * those at or below the paths in string fields first_exclude.. of r (resolved inside rootfd). */
int remount_excluding(int rootfd, int topfd, const struct record *r, uint32_t first_exclude, uint64_t set, uint64_t clr);
