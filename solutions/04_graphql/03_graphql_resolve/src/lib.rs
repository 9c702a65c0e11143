//! # GraphQL, step 3: resolving a query, with errors that leave the rest intact
//!
//! A query is answered field by field (spec §6.4). Each field of the schema has a *resolver*,
//! a function from the parent object and the arguments to the field's value; the executor
//! calls it, then *completes* the value according to the field's type (spec §6.4.3):
//!
//! - a **scalar**: the value as it is;
//! - an **object**: its own selection set, executed on it, gives a JSON object;
//! - a **list**: each item completed with the item type, its index added to the path;
//! - **non-null** (`String!`): the inner type completed, and null there is an error.
//!
//! A resolver can fail, one of a hundred: a backend down, a row missing. GraphQL does not
//! fail the request for it (spec §6.4.4, Handling Field Errors): the failed field becomes
//! `null`, an error goes into the response's `errors` with the field's `locations` and its
//! `path`, the keys and list indexes from the root down to it (spec §7.1.2), and every other
//! field is answered. A field error is reported once, where it happened.
//!
//! Except where null is not allowed. A non-null field that fails cannot be null, so the null
//! **propagates** to its parent: the parent becomes null in its turn, and if it is non-null
//! too, its parent, up to the nearest nullable field or list item. If everything up to the
//! root is non-null, `data` itself is null. In this code a null on its way up is
//! `Err(Propagate)`; where the type is nullable, that becomes `Json::Null`.
//!
//! ```text
//! { hero { name friends { name } } }   friends: [Character!], the 2nd friend's name fails
//! name: String   →  {"name": "Luke"}, {"name": null},  {"name": "Leia"}   + 1 error
//! name: String!  →  {"name": "Luke"}, null,            {"name": "Leia"}   + 1 error
//! ```
//!
//! Given below the line: the schema (`Schema`, `Type`, resolvers), `collect_fields` (spec
//! §6.3.2: the fields of a selection set grouped by response key, fragments expanded), the
//! error record (`self.error(message, field, path)`), and `execute`, which parses, checks that
//! every field exists, runs your code on the root object and writes the response as the
//! spec's JSON (spec §7.1). The parser of steps 1 and 2 is in `query/`.
//!
//! Primary source: GraphQL spec (October 2021) §6.4 Executing Fields,
//! <https://spec.graphql.org/October2021/#sec-Executing-Fields>, and §7.1.2 Errors.

pub mod query;

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value as Json, json};

use query::{Document, Field, Pos, Selection, Value};

impl Executor<'_> {
    /// Executes `selections` on `object`, of the object type `type_name`, into a JSON object
    /// with one entry per response key (spec §6.3). `path` leads to `object`; push a field's
    /// key while it runs and pop it after.
    fn execute_selection_set(
        &mut self,
        type_name: &str,
        object: &Json,
        selections: &[&[Selection]],
        path: &mut Vec<PathSegment>,
    ) -> Result<Json, Propagate> {
        let mut result = Map::new();
        for (key, fields) in self.collect_fields(type_name, selections) {
            let schema = self.schema; // a copy of the reference, so `self` stays free to borrow
            let def = schema
                .field_def(type_name, &fields[0].name)
                .expect("validated");
            path.push(PathSegment::Key(key.clone()));
            let value = match (def.resolve)(object, &fields[0].arguments) {
                Ok(value) => self.complete_value(&def.ty, &fields, value, path),
                Err(message) => {
                    self.error(message, fields[0], path);
                    Err(Propagate)
                }
            };
            path.pop();
            result.insert(key, nullable(&def.ty, value)?);
        }
        Ok(Json::Object(result))
    }

    /// Completes a resolved `value` by its type `ty` (spec §6.4.3). `fields` are the fields
    /// of this response key (their selection sets are the sub-selections of an object).
    fn complete_value(
        &mut self,
        ty: &Type,
        fields: &[&Field],
        value: Json,
        path: &mut Vec<PathSegment>,
    ) -> Result<Json, Propagate> {
        match ty {
            Type::NonNull(inner) => {
                let value = self.complete_value(inner, fields, value, path)?;
                if value.is_null() {
                    let message = "Cannot return null for a non-null field.".to_string();
                    self.error(message, fields[0], path);
                    return Err(Propagate);
                }
                Ok(value)
            }
            _ if value.is_null() => Ok(Json::Null),
            Type::Scalar => Ok(value),
            Type::Object(name) => {
                let sets: Vec<&[Selection]> =
                    fields.iter().map(|f| f.selection_set.as_slice()).collect();
                self.execute_selection_set(name, &value, &sets, path)
            }
            Type::List(item_type) => {
                let Json::Array(items) = value else {
                    self.error("Expected a list.".to_string(), fields[0], path);
                    return Err(Propagate);
                };
                let mut completed = Vec::with_capacity(items.len());
                for (index, item) in items.into_iter().enumerate() {
                    path.push(PathSegment::Index(index));
                    let item = self.complete_value(item_type, fields, item, path);
                    path.pop();
                    completed.push(nullable(item_type, item)?);
                }
                Ok(Json::Array(completed))
            }
        }
    }
}

/// Where the type allows null, a null on its way up stops here; where it does not, it goes on.
fn nullable(ty: &Type, value: Result<Json, Propagate>) -> Result<Json, Propagate> {
    match value {
        Err(Propagate) if !matches!(ty, Type::NonNull(_)) => Ok(Json::Null),
        value => value,
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the schema, the errors, field collection, and the request from text to response.
// ---------------------------------------------------------------------------------------------

/// A null on its way up to the nearest nullable parent (spec §6.4.4). Its error is already
/// recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Propagate;

/// A field's output type (spec §3.4). Every type is nullable unless wrapped in `NonNull`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    /// A leaf: a string, a number, a boolean, an enum; its JSON value is the answer.
    Scalar,
    /// An object type of the schema, by name: it needs a selection set.
    Object(&'static str),
    /// `[T]`: a list of `T`.
    List(Box<Type>),
    /// `T!`: never null.
    NonNull(Box<Type>),
}

impl Type {
    /// `T!`.
    pub fn non_null(self) -> Type {
        Type::NonNull(Box::new(self))
    }

    /// `[T]`.
    pub fn list(self) -> Type {
        Type::List(Box::new(self))
    }

    /// The object type inside the wrappers, if this is (a list of) an object type.
    fn object_name(&self) -> Option<&'static str> {
        match self {
            Type::Scalar => None,
            Type::Object(name) => Some(name),
            Type::List(inner) | Type::NonNull(inner) => inner.object_name(),
        }
    }
}

/// A resolver: from the parent object and the field's arguments to the field's value, or an
/// error message.
pub type Resolver = Box<dyn Fn(&Json, &[(String, Value)]) -> Result<Json, String>>;

/// One field of an object type: what it returns, and how.
pub struct FieldDef {
    /// The field's type.
    pub ty: Type,
    /// The function that finds its value.
    pub resolve: Resolver,
}

/// The object types of an API, and which of them is the root of a query.
pub struct Schema {
    query_type: &'static str,
    types: HashMap<&'static str, HashMap<&'static str, FieldDef>>,
}

impl Schema {
    /// A schema whose queries start at the object type `query_type`.
    pub fn new(query_type: &'static str) -> Schema {
        Schema {
            query_type,
            types: HashMap::new(),
        }
    }

    /// Adds the field `name` of type `ty` to the object type `type_name`, found by `resolve`.
    pub fn field(
        mut self,
        type_name: &'static str,
        name: &'static str,
        ty: Type,
        resolve: impl Fn(&Json, &[(String, Value)]) -> Result<Json, String> + 'static,
    ) -> Schema {
        let def = FieldDef {
            ty,
            resolve: Box::new(resolve),
        };
        self.types.entry(type_name).or_default().insert(name, def);
        self
    }

    /// Adds a field whose value is the parent object's entry of the same name (or null).
    pub fn property(self, type_name: &'static str, name: &'static str, ty: Type) -> Schema {
        self.field(type_name, name, ty, move |parent, _| {
            Ok(parent[name].clone())
        })
    }

    /// The field `name` of the object type `type_name`.
    pub fn field_def(&self, type_name: &str, name: &str) -> Option<&FieldDef> {
        self.types.get(type_name)?.get(name)
    }
}

/// One step of a path from the root of the response: a key, or a list index (spec §7.1.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// The response key of a field.
    Key(String),
    /// The index of an item in a list.
    Index(usize),
}

/// One entry of the response's `errors` (spec §7.1.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphQLError {
    /// What went wrong, for the developer reading it.
    pub message: String,
    /// Where in the query: the field's position.
    pub locations: Vec<Pos>,
    /// Where in the response: empty for an error before execution.
    pub path: Vec<PathSegment>,
}

impl GraphQLError {
    /// The error as the spec's JSON: `message`, `locations` of `{line, column}`, `path`.
    fn to_json(&self) -> Json {
        let locations: Vec<Json> = self
            .locations
            .iter()
            .map(|p| json!({"line": p.line, "column": p.column}))
            .collect();
        let mut error = json!({"message": self.message, "locations": locations});
        if !self.path.is_empty() {
            let path: Vec<Json> = self
                .path
                .iter()
                .map(|s| match s {
                    PathSegment::Key(key) => json!(key),
                    PathSegment::Index(index) => json!(index),
                })
                .collect();
            error["path"] = Json::Array(path);
        }
        error
    }
}

/// Answers the query `source` on the `root` object: the response as the spec's JSON (§7.1),
/// `data` and, if anything went wrong, `errors`. An error before execution (a syntax error,
/// a field the schema does not have) leaves `data` out.
pub fn execute(schema: &Schema, source: &str, root: &Json) -> Json {
    let document = match query::parse(source) {
        Ok(document) => document,
        Err(err) => {
            let message = format!(
                "Syntax error: expected {}, found {}.",
                err.expected, err.found
            );
            let error = GraphQLError {
                message,
                locations: vec![err.pos],
                path: vec![],
            };
            return json!({"errors": [error.to_json()]});
        }
    };
    let Some(operation) = document.operations().next() else {
        let error = GraphQLError {
            message: "No operation.".into(),
            locations: vec![],
            path: vec![],
        };
        return json!({"errors": [error.to_json()]});
    };
    let mut executor = Executor {
        schema,
        document: &document,
        errors: Vec::new(),
    };
    let root_set = [operation.selection_set.as_slice()];
    if let Err(error) = executor.validate(schema.query_type, &root_set) {
        return json!({"errors": [error.to_json()]});
    }
    let data = executor
        .execute_selection_set(schema.query_type, root, &root_set, &mut Vec::new())
        .unwrap_or(Json::Null); // everything up to the root was non-null
    let mut response = json!({ "data": data });
    if !executor.errors.is_empty() {
        response["errors"] = executor.errors.iter().map(GraphQLError::to_json).collect();
    }
    response
}

/// One request's execution: the schema, the document (for its fragments), and the field
/// errors so far.
struct Executor<'a> {
    schema: &'a Schema,
    document: &'a Document,
    errors: Vec<GraphQLError>,
}

impl Executor<'_> {
    /// Records a field error for `field` at `path`.
    fn error(&mut self, message: String, field: &Field, path: &[PathSegment]) {
        let error = GraphQLError {
            message,
            locations: vec![field.pos],
            path: path.to_vec(),
        };
        self.errors.push(error);
    }

    /// CollectFields (spec §6.3.2): the fields of `selection_sets` on the object type
    /// `type_name`, grouped by response key in the order first seen. Spreads and inline
    /// fragments whose type condition is `type_name` (or that have none) are expanded; each
    /// fragment once, so a cycle of spreads ends.
    fn collect_fields<'d>(
        &self,
        type_name: &str,
        selection_sets: &[&'d [Selection]],
    ) -> Vec<(String, Vec<&'d Field>)>
    where
        Self: 'd,
    {
        let mut grouped: Vec<(String, Vec<&'d Field>)> = Vec::new();
        let mut visited = HashSet::new();
        for set in selection_sets {
            self.collect_into(type_name, set, &mut grouped, &mut visited);
        }
        grouped
    }

    fn collect_into<'d>(
        &self,
        type_name: &str,
        selections: &'d [Selection],
        grouped: &mut Vec<(String, Vec<&'d Field>)>,
        visited: &mut HashSet<&'d str>,
    ) where
        Self: 'd,
    {
        for selection in selections {
            match selection {
                Selection::Field(field) => {
                    let key = field.response_key();
                    match grouped.iter_mut().find(|(k, _)| k == key) {
                        Some((_, fields)) => fields.push(field),
                        None => grouped.push((key.to_string(), vec![field])),
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let document: &'d Document = self.document;
                    let Some(fragment) = document.fragment(&spread.name) else {
                        continue;
                    };
                    if fragment.type_condition == type_name && visited.insert(&spread.name) {
                        self.collect_into(type_name, &fragment.selection_set, grouped, visited);
                    }
                }
                Selection::InlineFragment(inline) => {
                    if inline
                        .type_condition
                        .as_deref()
                        .is_none_or(|t| t == type_name)
                    {
                        self.collect_into(type_name, &inline.selection_set, grouped, visited);
                    }
                }
            }
        }
    }

    /// Before execution (spec §5.3.1, §5.3.3): every field exists on its type, objects have a
    /// selection set and scalars none. Fragments are checked where they are spread.
    fn validate(
        &self,
        type_name: &str,
        selection_sets: &[&[Selection]],
    ) -> Result<(), GraphQLError> {
        for (_, fields) in self.collect_fields(type_name, selection_sets) {
            for field in fields {
                let error = |message: String| GraphQLError {
                    message,
                    locations: vec![field.pos],
                    path: vec![],
                };
                let Some(def) = self.schema.field_def(type_name, &field.name) else {
                    let name = &field.name;
                    return Err(error(format!(
                        "Cannot query field \"{name}\" on type \"{type_name}\"."
                    )));
                };
                match (def.ty.object_name(), field.selection_set.is_empty()) {
                    (Some(object), false) => self.validate(object, &[&field.selection_set])?,
                    (None, true) => {}
                    (Some(_), true) => {
                        return Err(error(format!(
                            "Field \"{}\" needs a selection set.",
                            field.name
                        )));
                    }
                    (None, false) => {
                        return Err(error(format!(
                            "Field \"{}\" is a leaf: no selection set.",
                            field.name
                        )));
                    }
                }
            }
        }
        Ok(())
    }
}
