// SPDX-License-Identifier: GPL-2.0-only
/*
 * GPADLs on the host side: assemble GPADL_HEADER and GPADL_BODY messages,
 * validate every field and every frame, map the guest's pages, and unmap
 * them at teardown.
 *
 * The guest is not trusted: a malformed GPADL is refused with a non-zero
 * GPADL_CREATED status, never a crash, and a frame must be guest RAM
 * before the host maps it.  Body messages are taken in the order they
 * arrive; their first field (msgnumber) is reserved and ignored, as Hyper-V
 * does (Linux and lis send 0).
 *
 * Context: everything here runs on sim->wq with lis_sim.lock held.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "core.h"

/* The host maps guest frames as kernel pages. */
static_assert(PAGE_SIZE == LIS_HV_PAGE_SIZE);

static void lis_sim_gpadl_reply(struct lis_sim *sim, u32 relid, u32 handle,
				u32 status)
{
	struct lis_chmsg_gpadl_created m = {
		.hdr.msgtype = LIS_CHMSG_GPADL_CREATED,
		.child_relid = relid,
		.gpadl = handle,
		.status = status,
	};

	lis_sim_host_post(sim, &m, sizeof(m));
}

/**
 * lis_sim_gpadl_find() - look a GPADL up by handle
 * @sim: the simulator
 * @handle: the guest's handle
 *
 * Return: the GPADL (complete or not), or NULL.
 */
struct lis_sim_gpadl *lis_sim_gpadl_find(struct lis_sim *sim, u32 handle)
{
	struct lis_sim_gpadl *g;

	lockdep_assert_held(&sim->lock);
	list_for_each_entry(g, &sim->gpadls, node)
		if (g->handle == handle)
			return g;
	return NULL;
}

static void lis_sim_gpadl_free(struct lis_sim *sim, struct lis_sim_gpadl *g)
{
	if (g->user)
		lis_sim_chan_close(g->user);
	list_del(&g->node);
	sim->ngpadls--;
	sim->gpadl_pages -= g->npfns;
	if (g->vaddr)
		vunmap(g->vaddr);
	kvfree(g->pages);
	kfree(g);
}

/**
 * lis_sim_gpadl_free_relid() - drop every GPADL of a channel
 * @sim: the simulator
 * @relid: the channel, which is going away
 */
void lis_sim_gpadl_free_relid(struct lis_sim *sim, u32 relid)
{
	struct lis_sim_gpadl *g, *tmp;

	list_for_each_entry_safe(g, tmp, &sim->gpadls, node)
		if (g->relid == relid)
			lis_sim_gpadl_free(sim, g);
}

/**
 * lis_sim_gpadl_free_all() - drop every GPADL
 * @sim: the simulator
 */
void lis_sim_gpadl_free_all(struct lis_sim *sim)
{
	struct lis_sim_gpadl *g, *tmp;

	list_for_each_entry_safe(g, tmp, &sim->gpadls, node)
		lis_sim_gpadl_free(sim, g);
}

/* Take @n frames from a message (the array may be unaligned). */
static int lis_sim_gpadl_add(struct lis_sim_gpadl *g, const void *pfns, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		u64 pfn;

		memcpy(&pfn, pfns + i * sizeof(pfn), sizeof(pfn));
		if (!pfn_valid(pfn) || !page_is_ram(pfn)) {
			pr_warn_ratelimited("GPADL %u: frame %#llx is not guest RAM\n",
					    g->handle, pfn);
			return -EINVAL;
		}
		g->pages[g->received++] = pfn_to_page(pfn);
	}
	return 0;
}

/* All frames are in: map them and answer. */
static void lis_sim_gpadl_complete(struct lis_sim *sim, struct lis_sim_gpadl *g)
{
	g->vaddr = vmap(g->pages, g->npfns, VM_MAP, PAGE_KERNEL);
	kvfree(g->pages);
	g->pages = NULL;
	if (!g->vaddr) {
		pr_warn_ratelimited("GPADL %u: cannot map %u frames\n",
				    g->handle, g->npfns);
		lis_sim_gpadl_reply(sim, g->relid, g->handle,
				    LIS_SIM_STATUS_NO_RESOURCES);
		lis_sim_gpadl_free(sim, g);
		return;
	}
	lis_sim_gpadl_reply(sim, g->relid, g->handle, LIS_SIM_STATUS_OK);
	lis_sim_rescind_at(sim, g->relid, LIS_SIM_STEP_GPADL_CREATED);
}

/* Check a GPADL_HEADER; return why it is malformed, or NULL. */
static const char *lis_sim_gpadl_header_bad(struct lis_sim *sim,
					    const struct lis_chmsg_gpadl_header *h,
					    u32 len, u32 *npfns)
{
	struct lis_sim_chan *ch = lis_sim_chan_find(sim, h->child_relid);
	u32 n;

	if (!ch || (ch->state != LIS_SIM_CHAN_OFFERED &&
		    ch->state != LIS_SIM_CHAN_OPEN))
		return "no such channel, or it is rescinded";
	if (!h->gpadl)
		return "handle 0";
	if (lis_sim_gpadl_find(sim, h->gpadl))
		return "handle already in use";
	if (h->rangecount != 1)
		return "rangecount is not 1";
	if (h->range.byte_offset)
		return "byte_offset is not 0";
	if (!h->range.byte_count ||
	    !IS_ALIGNED(h->range.byte_count, LIS_HV_PAGE_SIZE))
		return "byte_count is not a whole number of pages";
	n = h->range.byte_count >> LIS_HV_PAGE_SHIFT;
	if (n > LIS_GPADL_MAX_PFNS)
		return "too many frames";
	if (h->range_buflen != sizeof(struct lis_gpa_range) + n * sizeof(u64))
		return "range_buflen does not match byte_count";
	if (len != sizeof(*h) +
		   min_t(u32, n, LIS_GPADL_HEADER_PFNS) * sizeof(u64))
		return "message length does not match the frame count";
	*npfns = n;
	return NULL;
}

/**
 * lis_sim_gpadl_header() - the first message of a new GPADL
 * @sim: the simulator
 * @msg: the GPADL_HEADER
 * @len: its length
 */
void lis_sim_gpadl_header(struct lis_sim *sim, const void *msg, u32 len)
{
	const struct lis_chmsg_gpadl_header *h = msg;
	u32 status = LIS_SIM_STATUS_INVALID_PARAM;
	struct lis_sim_gpadl *g;
	const char *why;
	u32 npfns = 0;

	if (lis_sim_rescind_at(sim, h->child_relid, LIS_SIM_STEP_GPADL_HEADER))
		return;
	why = lis_sim_gpadl_header_bad(sim, h, len, &npfns);
	if (why)
		goto refuse;
	status = LIS_SIM_STATUS_NO_RESOURCES;
	if (sim->ngpadls >= LIS_SIM_MAX_GPADLS ||
	    sim->gpadl_pages + npfns > LIS_SIM_MAX_GPADL_PAGES) {
		why = "the host's GPADL limit is reached";
		goto refuse;
	}
	why = "no memory";
	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (!g)
		goto refuse;
	g->pages = kvmalloc_array(npfns, sizeof(*g->pages), GFP_KERNEL);
	if (!g->pages) {
		kfree(g);
		goto refuse;
	}
	g->handle = h->gpadl;
	g->relid = h->child_relid;
	g->npfns = npfns;
	list_add_tail(&g->node, &sim->gpadls);
	sim->ngpadls++;
	sim->gpadl_pages += npfns;

	if (lis_sim_gpadl_add(g, h->range.pfn,
			      min_t(u32, npfns, LIS_GPADL_HEADER_PFNS))) {
		lis_sim_gpadl_free(sim, g);
		why = "a frame is not guest RAM";
		status = LIS_SIM_STATUS_INVALID_PARAM;
		goto refuse;
	}
	if (g->received == g->npfns)
		lis_sim_gpadl_complete(sim, g);
	return;

refuse:
	pr_warn_ratelimited("refusing GPADL %u for relid %u: %s\n", h->gpadl,
			    h->child_relid, why);
	lis_sim_gpadl_reply(sim, h->child_relid, h->gpadl, status);
}

/**
 * lis_sim_gpadl_body() - more frames for a GPADL being assembled
 * @sim: the simulator
 * @msg: the GPADL_BODY
 * @len: its length
 */
void lis_sim_gpadl_body(struct lis_sim *sim, const void *msg, u32 len)
{
	const struct lis_chmsg_gpadl_body *b = msg;
	struct lis_sim_gpadl *g = lis_sim_gpadl_find(sim, b->gpadl);
	struct lis_sim_chan *ch;
	const char *why;
	u32 n;

	if (!g || g->vaddr) {
		pr_warn_ratelimited("GPADL_BODY for handle %u, which is not being created; ignored\n",
				    b->gpadl);
		return;
	}
	/*
	 * The rest of a GPADL whose channel was rescinded meanwhile: the
	 * guest sent it before it saw the RESCIND.  Nothing to answer.
	 */
	ch = lis_sim_chan_find(sim, g->relid);
	if (!ch || ch->state == LIS_SIM_CHAN_RESCINDED)
		return;
	if (lis_sim_rescind_at(sim, g->relid, LIS_SIM_STEP_GPADL_BODY))
		return;
	n = min_t(u32, g->npfns - g->received, LIS_GPADL_BODY_PFNS);
	if (len != sizeof(*b) + n * sizeof(u64)) {
		why = "message length does not match the frames still due";
		goto refuse;
	}
	if (lis_sim_gpadl_add(g, b->pfn, n)) {
		why = "a frame is not guest RAM";
		goto refuse;
	}
	if (g->received == g->npfns)
		lis_sim_gpadl_complete(sim, g);
	return;

refuse:
	pr_warn_ratelimited("refusing GPADL %u for relid %u: %s\n", g->handle,
			    g->relid, why);
	lis_sim_gpadl_reply(sim, g->relid, g->handle,
			    LIS_SIM_STATUS_INVALID_PARAM);
	lis_sim_gpadl_free(sim, g);
}

/**
 * lis_sim_gpadl_teardown() - the guest takes a GPADL back
 * @sim: the simulator
 * @msg: the GPADL_TEARDOWN
 * @len: its length
 *
 * A GPADL still used as an open channel's ring closes that channel first:
 * the host must not touch the memory once it has answered.
 */
void lis_sim_gpadl_teardown(struct lis_sim *sim, const void *msg, u32 len)
{
	const struct lis_chmsg_gpadl_teardown *t = msg;
	struct lis_chmsg_gpadl_torndown res = {
		.hdr.msgtype = LIS_CHMSG_GPADL_TORNDOWN,
		.gpadl = t->gpadl,
	};
	struct lis_sim_gpadl *g = lis_sim_gpadl_find(sim, t->gpadl);
	u32 relid;

	if (!g) {
		pr_warn_ratelimited("GPADL_TEARDOWN for unknown handle %u; ignored\n",
				    t->gpadl);
		return;
	}
	/* Rescinded instead of answered: RELID_RELEASED frees the GPADL. */
	if (lis_sim_rescind_at(sim, g->relid, LIS_SIM_STEP_GPADL_TEARDOWN))
		return;
	if (g->relid != t->child_relid)
		pr_warn_ratelimited("GPADL_TEARDOWN of GPADL %u names relid %u, but it belongs to relid %u\n",
				    t->gpadl, t->child_relid, g->relid);
	if (g->user)
		pr_warn_ratelimited("GPADL %u torn down while relid %u still uses it as its ring: closing the channel\n",
				    g->handle, g->user->relid);
	relid = g->relid;
	lis_sim_gpadl_free(sim, g);
	lis_sim_host_post(sim, &res, sizeof(res));
	lis_sim_rescind_at(sim, relid, LIS_SIM_STEP_GPADL_TORNDOWN);
}
