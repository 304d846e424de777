/** The two databases the store runs on. */
export type StoreDriver = 'sqlite' | 'postgres';
