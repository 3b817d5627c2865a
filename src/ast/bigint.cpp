// SPDX-License-Identifier: Apache-2.0
// TEMPORARY STUB
#include "relupkit/ast/bigint.h"
