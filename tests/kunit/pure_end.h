/* SPDX-License-Identifier: GPL-2.0-only */
/* The end of a pure-code block begun with "pure.h". */
#undef memcpy
#undef memset
