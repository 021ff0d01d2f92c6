package lockmodels

// The presets of product.md §2: the kernel's history and the proposals
// around it. See luo-model.md §3 for each version's sources.
func init() {
	for _, d := range []Design{
		{"v0-pinned", PerSession, RefPinned, RegQuiesce, "mainline <= v7.0: handler module pinned at registration, registration quiesces sessions"},
		{"v1-per-file", PerSession, RefPerFile, RegSplitRWSem, "series v1 (17 Mar 2026): try_module_get per preserved file, split handler/FLB rwsems"},
		{"v2-no-refcount", PerSession, RefNone, RegSplitRWSem, "series v2 (18 Mar 2026): no handler refcount, relies on the file's f_op->owner"},
		{"v3-merged", PerSession, RefPerFile, RegGlobalRWSem, "series v3/v4, merged in v7.1: per-file refcount, one luo_register_rwlock"},
		{"global-mutex", GlobalSession, RefPerFile, RegGlobalRWSem, "strawman: one LUO mutex serialising every session operation"},
		{"global+refcount", GlobalSession, RefPerFile, RegGlobalRWSem, "one global mutex, with per-file module refcounts"},
		{"global+norefcount", GlobalSession, RefNone, RegGlobalRWSem, "one global mutex, without module refcounts"},
		{"session+refcount", PerSession, RefPerFile, RegGlobalRWSem, "per-session mutexes, with per-file module refcounts"},
		{"session+norefcount", PerSession, RefNone, RegGlobalRWSem, "per-session mutexes, without module refcounts"},
	} {
		RegisterDesign(d)
	}
}
