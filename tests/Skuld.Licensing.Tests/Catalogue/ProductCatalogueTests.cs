using System.Collections.Immutable;
using Skuld.Licensing.Catalogue;

namespace Skuld.Licensing.Tests.Catalogue;

public sealed class ProductCatalogueTests
{
    private static readonly ProductCatalogue builtIn = ProductCatalogue.BuiltIn;

    [Fact]
    public void BuiltIn_has_one_product_per_sku_guid_620_in_all() =>
        Assert.Equal(620, builtIn.Products.Select(p => p.SkuId).Distinct().Count());

    [Fact]
    public void BuiltIn_is_parsed_once() => Assert.Same(ProductCatalogue.BuiltIn, ProductCatalogue.BuiltIn);

    [Fact]
    public void Office_365_E3_has_its_36_distinct_plans_in_file_order()
    {
        var e3 = builtIn.Find(Sku.E3);

        Assert.NotNull(e3);
        Assert.Equal("ENTERPRISEPACK", e3.PartNumber);
        Assert.Equal("Office 365 E3", e3.DisplayName);
        Assert.Equal(AppliesTo.User, e3.AppliesTo);
        Assert.Equal(36, e3.Plans.Length);
        Assert.Equal(36, e3.Plans.Select(p => p.Id).Distinct().Count());
        Assert.Equal("MESH_AVATARS_FOR_TEAMS", e3.Plans[0].Name);
        Assert.True(e3.HasPlan(Plan.SharePointPlan2));
    }

    [Theory]
    [InlineData("SPE_E5", "06ebc4ee-1bb5-47dd-8120-11324bc54e06")]
    [InlineData("spe_e5", "06ebc4ee-1bb5-47dd-8120-11324bc54e06")]
    [InlineData("EnterprisePack", "6fd2c87f-b296-42f0-b197-1e91e994b900")]
    [InlineData("MCOPSTN_5", "11dee6af-eca8-419f-8061-6864517c1875")]
    public void FindByPartNumber_ignores_case(string partNumber, string skuId) =>
        Assert.Equal(new Guid(skuId), builtIn.FindByPartNumber(partNumber)?.SkuId);

    [Fact]
    public void FindByPartNumber_of_an_unknown_part_number_is_null() => Assert.Null(builtIn.FindByPartNumber("NO_SUCH_SKU"));

    [Fact]
    public void MCOPSTN5_names_two_skus_and_both_are_products()
    {
        var skus = builtIn.Products.Where(p => p.PartNumber == "MCOPSTN5").Select(p => p.SkuId).ToList();

        Assert.Equal(
            [new Guid("54a152dc-90de-4996-93d2-bc47e670fc06"), new Guid("d43177b5-475b-4880-92d4-d54c27b5efbd")],
            skus.Order());
        Assert.Equal(skus[0], builtIn.FindByPartNumber("MCOPSTN5")?.SkuId);
    }

    [Fact]
    public void Duplicate_plan_rows_of_a_product_are_kept_once()
    {
        // The table lists PROJECTPREMIUM_FACULTY's plans in 13 rows, 8 of them distinct.
        var product = builtIn.FindByPartNumber("PROJECTPREMIUM_FACULTY");

        Assert.NotNull(product);
        Assert.Equal(8, product.Plans.Length);
    }

    [Fact]
    public void Display_names_with_quoted_commas_are_read_whole() =>
        Assert.Equal(
            "Dynamics 365 Field Service, Enterprise Edition - Resource Scheduling Optimization",
            builtIn.FindByPartNumber("CRM_AUTO_ROUTING_ADDON")?.DisplayName);

    [Fact]
    public void Exchange_Foundation_applies_to_the_company_other_plans_to_users()
    {
        var p1 = builtIn.Find(Sku.EntraP1);

        Assert.NotNull(p1);
        Assert.Equal(AppliesTo.Company, p1.Plans.Single(p => p.Id == Plan.ExchangeFoundation).AppliesTo);
        Assert.Equal(AppliesTo.User, p1.Plans.Single(p => p.Id == Plan.EntraP1).AppliesTo);
    }

    [Fact]
    public void With_adds_tenant_products_and_a_tenant_product_wins_on_the_same_sku()
    {
        var own = new Product(new Guid("0000000a-0000-0000-0000-000000000001"), "CONTOSO_PLAN", "Contoso plan", AppliesTo.Company, []);
        var replacedE3 = new Product(Sku.E3, "ENTERPRISEPACK", "Our E3", AppliesTo.User, []);

        var catalogue = builtIn.With([own, replacedE3]);

        Assert.Same(own, catalogue.Find(own.SkuId));
        Assert.Same(own, catalogue.FindByPartNumber("contoso_plan"));
        Assert.Equal("Our E3", catalogue.Find(Sku.E3)?.DisplayName);
        Assert.Equal(621, catalogue.Products.Count);
        Assert.Equal(620, builtIn.Products.Count);
        Assert.Equal("Office 365 E3", builtIn.Find(Sku.E3)?.DisplayName);
    }

    [Fact]
    public void A_catalogue_can_be_made_of_exactly_given_products()
    {
        var product = new Product(Guid.NewGuid(), "X", "X", AppliesTo.User, ImmutableArray<ServicePlan>.Empty);

        Assert.Equal([product], new ProductCatalogue([product]).Products);
    }
}
