//! Knowledge bases and documents: kept per tenant, listed newest first, deleted together, and
//! unfinished ingestions found across tenants until they reach a final stage.

use crate::fixtures::Fixture;
use crate::records::tenant;
use botwot_engine::Timestamp;
use botwot_engine::ids::{KnowledgeBaseId, TenantId};
use botwot_engine::knowledge::{
    DocumentOrigin, IngestionProgress, IngestionStage, KnowledgeBase, KnowledgeDocument,
};
use botwot_engine::ports::{PageRequest, StoreError};

fn base(tenant: &TenantId, name: &str, at: i64) -> KnowledgeBase {
    KnowledgeBase::create(tenant.clone(), name.into(), String::new(), Timestamp(at))
}

fn document(tenant: &TenantId, kb: &KnowledgeBaseId, name: &str, at: i64) -> KnowledgeDocument {
    let origin = DocumentOrigin::Upload {
        file_name: name.into(),
        content_type: None,
    };
    KnowledgeDocument::new(
        tenant.clone(),
        kb.clone(),
        name.into(),
        origin,
        10,
        Timestamp(at),
    )
}

fn names(documents: &[KnowledgeDocument]) -> Vec<&str> {
    documents.iter().map(|d| d.title.as_str()).collect()
}

pub async fn knowledge_bases_and_documents_live_in_their_tenant(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let page = PageRequest::default();
    let faq = base(&acme, "FAQ", 1_000);
    let manuals = base(&acme, "Manuals", 2_000);
    store.insert_knowledge_base(&faq).await?;
    store.insert_knowledge_base(&manuals).await?;
    store
        .insert_knowledge_base(&base(&globex, "Other", 3_000))
        .await?;

    let listed = store.list_knowledge_bases(&acme, &page).await?.items;
    let listed: Vec<_> = listed.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(listed, ["Manuals", "FAQ"]);
    assert_eq!(store.count_knowledge_bases(&acme, 10).await?, 2);
    assert_eq!(store.count_knowledge_bases(&acme, 1).await?, 1);
    assert_eq!(store.get_knowledge_base(&globex, &faq.id).await?, None);

    let mut renamed = faq.clone();
    renamed.name = "Questions".into();
    store.update_knowledge_base(&renamed).await?;
    assert_eq!(
        store.get_knowledge_base(&acme, &faq.id).await?,
        Some(renamed)
    );

    let first = document(&acme, &faq.id, "a.pdf", 1_000);
    let second = document(&acme, &faq.id, "b.docx", 2_000);
    let manual = document(&acme, &manuals.id, "m.txt", 3_000);
    for doc in [&first, &second, &manual] {
        store.insert_document(doc).await?;
    }
    let in_faq = store.list_documents(&acme, &faq.id, &page).await?.items;
    assert_eq!(names(&in_faq), ["b.docx", "a.pdf"]);
    assert!(
        store
            .list_documents(&globex, &faq.id, &page)
            .await?
            .items
            .is_empty()
    );
    assert_eq!(store.count_documents(&acme, 10).await?, 3);
    assert_eq!(store.get_document(&globex, &first.id).await?, None);
    let foreign = store.delete_document(&globex, &first.id).await;
    assert!(matches!(foreign, Err(StoreError::NotFound)), "{foreign:?}");

    store.delete_document(&acme, &second.id).await?;
    assert_eq!(store.get_document(&acme, &second.id).await?, None);
    let gone = store.update_document(&second).await;
    assert!(matches!(gone, Err(StoreError::NotFound)), "{gone:?}");

    let foreign = store.delete_knowledge_base(&globex, &faq.id).await;
    assert!(matches!(foreign, Err(StoreError::NotFound)), "{foreign:?}");
    assert_eq!(store.delete_knowledge_base(&acme, &faq.id).await?, 1);
    assert_eq!(store.get_knowledge_base(&acme, &faq.id).await?, None);
    assert_eq!(store.get_document(&acme, &first.id).await?, None);
    assert!(store.get_document(&acme, &manual.id).await?.is_some());
    Ok(())
}

pub async fn unfinished_ingestions_are_found_until_they_finish(
    fixture: &mut impl Fixture,
) -> anyhow::Result<()> {
    let store = fixture.store();
    let (acme, globex) = (tenant("acme"), tenant("globex"));
    let (faq, other) = (base(&acme, "FAQ", 1), base(&globex, "Other", 1));
    store.insert_knowledge_base(&faq).await?;
    store.insert_knowledge_base(&other).await?;
    let mut early = document(&acme, &faq.id, "early", 1_000);
    let mut late = document(&globex, &other.id, "late", 2_000);
    let mut failing = document(&acme, &faq.id, "failing", 3_000);
    for doc in [&early, &late, &failing] {
        store.insert_document(doc).await?;
    }
    assert_eq!(
        names(&store.unfinished_documents(10).await?),
        ["early", "late", "failing"]
    );
    assert_eq!(names(&store.unfinished_documents(1).await?), ["early"]);

    early.progress = IngestionProgress::at(IngestionStage::Embedding, 0.5);
    store.update_document(&early).await?;
    late.progress = IngestionProgress::ready();
    late.chunk_count = 4;
    store.update_document(&late).await?;
    failing.progress = failing.progress.failed("pdf_bomb", "too deep".into());
    store.update_document(&failing).await?;

    let unfinished = store.unfinished_documents(10).await?;
    assert_eq!(names(&unfinished), ["early"]);
    assert_eq!(unfinished[0].progress.stage, IngestionStage::Embedding);
    let ready = store.get_document(&globex, &late.id).await?;
    assert_eq!(ready.map(|d| d.chunk_count), Some(4));
    Ok(())
}
