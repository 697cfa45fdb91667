// Each collection starts a cluster of three server processes plus PostgreSQL and Redis: on two cores they run one
// at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
