//! # Cache-aside in front of SQLite, and the stale fill
//!
//! **Cache-aside** (or *lazy loading*) is the most common way a service uses a cache: the
//! application asks the cache first; on a miss it loads from the database and *fills* the
//! cache with what it loaded; on a write it changes the database, then **invalidates** the
//! cached copy (deletes it), so that the next read loads the new value. The cache never
//! talks to the database itself. Deleting, rather than writing the new value into the cache,
//! keeps two concurrent writers from leaving their values in the cache in the wrong order.
//!
//! There is still a race, and it happens under load every day:
//!
//! ```text
//! reader: miss, SELECT -> price 100 (version 1)
//! writer:                                   UPDATE -> price 200 (version 2); invalidate
//! reader: fill the cache with price 100     <- stale, and served until something evicts it
//! ```
//!
//! The reader's load was right when it ran, but its fill lands after the invalidation that
//! was meant to remove it. A delete has the same race: a reader fills the cache with a
//! product that no longer exists.
//!
//! The fix here uses **versions**: every row has a `version` that each write increments. An
//! invalidation does not simply remove the entry; it leaves a marker, `Invalidated { stale_below }`,
//! meaning "versions below this are stale". A fill is refused when the slot holds a value or
//! a marker with a higher version than the one being filled. The reader still returns what it
//! loaded (it was true a moment ago), but the cache never keeps it. The order on the write
//! side matters too: write the database **first**, then invalidate; invalidating first leaves
//! a window where a reader refills the old value before the write lands.
//!
//! Your part: `get_with` (the read path, counting hits and misses), `fill`, `update_price`
//! and `delete`. The test forces the race without threads: `get_with` calls a hook between
//! its load and its fill, and the test's hook runs the writer there. The test also counts
//! every `SELECT` that reaches SQLite (rusqlite's trace hook). A missing product is not
//! cached (that would be a *negative cache*): every lookup of it queries the database.
//!
//! SQLite's `RETURNING` clause gives back the new version from the `UPDATE` or `DELETE`
//! itself: `conn.query_row(sql, params, |row| row.get(0)).optional()`.
//!
//! Primary source: *Scaling Memcache at Facebook* (NSDI 2013), §3.2.1 on stale sets,
//! <https://www.usenix.org/system/files/conference/nsdi13/nsdi13-final170_update.pdf>.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Result, params};

impl ProductCache {
    /// Cache-aside read: the cached product if there is one (a hit), else the row loaded from
    /// the database (a miss) and filled into the cache. `between_load_and_fill` runs after the
    /// load and before the fill: the tests put a concurrent writer there.
    pub fn get_with(
        &self,
        id: i64,
        between_load_and_fill: impl FnOnce(),
    ) -> Result<Option<Product>> {
        // TODO: a `Slot::Cached` product is a hit: count it, return a clone. Anything else
        //       (nothing, or an invalidation marker) is a miss: count it, `self.load(id)`,
        //       call the hook, fill the cache if a product came back, return what was loaded.
        //       Do not keep `self.slots` borrowed across the load and the hook.
        if let Some(Slot::Cached(product)) = self.slots.borrow().get(&id) {
            todo!("a hit on {product:?}")
        }
        let _ = (between_load_and_fill, &self.hits, &self.misses, Self::fill);
        todo!("a miss")
    }

    /// Stores `product` in the cache unless the slot already holds a newer version (a newer
    /// product, or an invalidation marker above this version).
    fn fill(&self, product: Product) {
        // TODO: compare `product.version` with the slot's version (a cached product's
        //       `version`, or a marker's `stale_below`); store only if it is not older.
        if let Some(Slot::Invalidated { stale_below }) = self.slots.borrow().get(&product.id) {
            todo!("a marker: versions below {stale_below} are stale")
        }
        let _ = Slot::Cached(product);
        todo!("fill")
    }

    /// Sets the price of product `id` (incrementing its version), then invalidates its
    /// cached copy. `false` if there is no such product.
    pub fn update_price(&self, id: i64, price: i64) -> Result<bool> {
        // TODO: `UPDATE ... SET price = ?1, version = version + 1 WHERE id = ?2 RETURNING
        //       version`, then invalidate: versions below the new one are stale.
        let _ = (id, price, Self::invalidate);
        todo!("update_price")
    }

    /// Deletes product `id`, then invalidates its cached copy. `false` if there was none.
    pub fn delete(&self, id: i64) -> Result<bool> {
        // TODO: `DELETE ... RETURNING version`; then every version up to that one is stale.
        let _ = id;
        todo!("delete")
    }

    /// Replaces whatever the cache holds for `id` with a marker: versions below
    /// `stale_below` must not be filled again.
    fn invalidate(&self, id: i64, stale_below: i64) {
        // TODO
        let _ = (id, Slot::Invalidated { stale_below });
        todo!("invalidate")
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the schema, the product, the cache's state and the database load.
// ---------------------------------------------------------------------------------------------

/// A product row. `version` starts at 1 and every write increments it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    pub id: i64,
    pub name: String,
    pub price: i64,
    pub version: i64,
}

/// What the cache holds for one id.
#[derive(Debug)]
enum Slot {
    /// A product as loaded from the database.
    Cached(Product),
    /// Invalidated by a write: versions below `stale_below` are stale.
    Invalidated { stale_below: i64 },
}

/// A products table with a cache-aside cache in front of it.
#[derive(Debug)]
pub struct ProductCache {
    db: Connection,
    /// The cache. A `RefCell`: `get_with` must not hold a borrow while it loads or calls the
    /// hook (a writer needs the cache then), or it panics with "already borrowed".
    slots: RefCell<HashMap<i64, Slot>>,
    hits: Cell<u64>,
    misses: Cell<u64>,
}

impl ProductCache {
    /// Creates the products table in `db` and puts an empty cache in front of it.
    pub fn open(db: Connection) -> Result<Self> {
        // AUTOINCREMENT: a deleted product's id is never reused, so its invalidation marker
        // can never hide a new product.
        db.execute_batch(
            "CREATE TABLE products (
                 id      INTEGER PRIMARY KEY AUTOINCREMENT,
                 name    TEXT    NOT NULL,
                 price   INTEGER NOT NULL,
                 version INTEGER NOT NULL DEFAULT 1
             );",
        )?;
        Ok(ProductCache {
            db,
            slots: RefCell::new(HashMap::new()),
            hits: Cell::new(0),
            misses: Cell::new(0),
        })
    }

    /// Adds a product (version 1) and returns its id. A new id has nothing cached.
    pub fn insert(&self, name: &str, price: i64) -> Result<i64> {
        self.db.execute(
            "INSERT INTO products (name, price) VALUES (?1, ?2)",
            params![name, price],
        )?;
        Ok(self.db.last_insert_rowid())
    }

    /// Cache-aside read with nothing between the load and the fill.
    pub fn get(&self, id: i64) -> Result<Option<Product>> {
        self.get_with(id, || {})
    }

    /// The row of product `id`, straight from the database: one `SELECT`.
    pub fn load(&self, id: i64) -> Result<Option<Product>> {
        self.db
            .query_row(
                "SELECT id, name, price, version FROM products WHERE id = ?1",
                [id],
                |row| {
                    Ok(Product {
                        id: row.get(0)?,
                        name: row.get(1)?,
                        price: row.get(2)?,
                        version: row.get(3)?,
                    })
                },
            )
            .optional()
    }

    /// The connection, for the tests to count its statements.
    pub fn db(&self) -> &Connection {
        &self.db
    }

    /// Reads served from the cache.
    pub fn hits(&self) -> u64 {
        self.hits.get()
    }

    /// Reads that had to load from the database.
    pub fn misses(&self) -> u64 {
        self.misses.get()
    }
}
